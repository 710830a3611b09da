using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace Alerts.Api.Http;

/// <summary>
/// The one check of an operator's key (<c>Admin__Keys</c>), for the operator routes and the health details: the
/// <c>X-Alerts-Admin-Key</c> header or <c>Authorization: Bearer</c>, compared in constant time against every key.
/// </summary>
public sealed class AdminKeys(IOptionsMonitor<AdminOptions> options)
{
    public const string HeaderName = "X-Alerts-Admin-Key";

    /// <summary>True when the request carries a key at all, right or wrong.</summary>
    public static bool IsPresented(HttpRequest request) => Presented(request).Length > 0;

    /// <summary>True when the request carries one of the configured keys.</summary>
    public bool IsAdmin(HttpRequest request)
    {
        var given = Presented(request);
        if (given.Length == 0)
        {
            return false;
        }

        var givenHash = SHA256.HashData(Encoding.UTF8.GetBytes(given));
        var match = false;
        foreach (var key in options.CurrentValue.KeyList)
        {
            match |= CryptographicOperations.FixedTimeEquals(givenHash, SHA256.HashData(Encoding.UTF8.GetBytes(key)));
        }

        return match;
    }

    /// <summary>The 401 answer to a missing or wrong key: it says how to send one and nothing else.</summary>
    public static IResult Refused() =>
        Problems.Unauthorized($"This needs an admin key ({HeaderName} header, or Authorization: Bearer).");

    private static string Presented(HttpRequest request)
    {
        var given = request.Headers[HeaderName].ToString();
        if (given.Length > 0)
        {
            return given;
        }

        var authorization = request.Headers.Authorization.ToString();
        return authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? authorization["Bearer ".Length..].Trim() : string.Empty;
    }
}
