using Alerts.Core.Delivery;
using Alerts.Core.Security;
using Microsoft.Extensions.Options;

namespace Alerts.Core.Tests.TestSupport;

/// <summary>Links and tokens wired as the app wires them, with a fixed key and base URL.</summary>
internal static class TestLinks
{
    public const string BaseUrl = "https://alerts.example.com";
    public const string Key = "test-signing-key-0123456789";

    public static LinkTokens Tokens(TimeProvider time) => new([Key], time);

    public static Links Create(TimeProvider time) =>
        new(Options.Create(new AlertsOptions { PublicBaseUrl = BaseUrl + "/", SigningKeys = Key }), Tokens(time));

    public static IOptions<EmailOptions> Email() =>
        Options.Create(new EmailOptions { From = "alerts@example.com", FromName = "Alerts" });

    /// <summary>The value of the <c>token</c> query parameter of <paramref name="url"/>.</summary>
    public static string? TokenOf(Uri url)
    {
        foreach (var pair in url.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = pair.IndexOf('=');
            if (equals > 0 && pair[..equals] == "token")
            {
                return Uri.UnescapeDataString(pair[(equals + 1)..]);
            }
        }

        return null;
    }
}
