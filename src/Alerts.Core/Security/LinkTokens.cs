using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Alerts.Core.Security;

/// <summary>What a link in an email lets its holder do. A token made for one purpose is worthless for another.</summary>
public enum LinkPurpose
{
    Confirm,
    Manage,
    Unsubscribe,
}

/// <summary>
/// Tokens for the links in emails: HMAC-SHA256 with a server key over (purpose, subscription id, expiry).
/// Scoped to one subscription and one purpose, unguessable, and expiring where that makes sense (confirm: 7 days).
/// The first key signs; every key verifies, so that a key can be rotated.
/// Format: <c>&lt;expiry unix seconds, 0 for none&gt;.&lt;base64url signature&gt;</c>.
/// </summary>
public sealed class LinkTokens
{
    /// <summary>How long a confirmation link works.</summary>
    public static readonly TimeSpan ConfirmLifetime = TimeSpan.FromDays(7);

    private readonly byte[][] _keys;
    private readonly TimeProvider _time;

    public LinkTokens(IReadOnlyList<string> keys, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(keys);
        if (keys.Count == 0 || keys.Any(k => k.Length < 16))
        {
            throw new ArgumentException("At least one signing key of 16 or more characters is needed.", nameof(keys));
        }

        _keys = keys.Select(k => Encoding.UTF8.GetBytes(k)).ToArray();
        _time = time;
    }

    public string Create(LinkPurpose purpose, string subscriptionId)
    {
        var expires = purpose == LinkPurpose.Confirm ? _time.GetUtcNow().Add(ConfirmLifetime).ToUnixTimeSeconds() : 0;
        return expires.ToString(CultureInfo.InvariantCulture) + "." + Base64Url(Sign(_keys[0], purpose, subscriptionId, expires));
    }

    public bool IsValid(string? token, LinkPurpose purpose, string subscriptionId)
    {
        if (string.IsNullOrEmpty(token) || token.Length > 200)
        {
            return false;
        }

        var dot = token.IndexOf('.');
        if (dot <= 0
            || !long.TryParse(token.AsSpan(0, dot), NumberStyles.None, CultureInfo.InvariantCulture, out var expires)
            || !TryFromBase64Url(token[(dot + 1)..], out var signature))
        {
            return false;
        }

        if (expires != 0 && _time.GetUtcNow().ToUnixTimeSeconds() > expires)
        {
            return false;
        }

        var valid = false;
        foreach (var key in _keys)
        {
            valid |= CryptographicOperations.FixedTimeEquals(Sign(key, purpose, subscriptionId, expires), signature);
        }

        return valid;
    }

    private static byte[] Sign(byte[] key, LinkPurpose purpose, string subscriptionId, long expires) =>
        HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"{purpose}|{subscriptionId}|{expires.ToString(CultureInfo.InvariantCulture)}"));

    private static string Base64Url(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static bool TryFromBase64Url(string text, out byte[] bytes)
    {
        var padded = text.Replace('-', '+').Replace('_', '/');
        padded += (padded.Length % 4) switch { 2 => "==", 3 => "=", _ => string.Empty };
        bytes = new byte[padded.Length];
        return Convert.TryFromBase64String(padded, bytes, out var written) && (bytes = bytes[..written]).Length == 32;
    }
}
