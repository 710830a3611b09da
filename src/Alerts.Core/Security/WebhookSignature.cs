using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Alerts.Core.Security;

/// <summary>What the check of an <c>X-Alerts-Signature</c> header found.</summary>
public enum SignatureCheck
{
    Valid,
    Missing,
    Malformed,
    Expired,
    Mismatch,

    /// <summary>The request has a query string but the header carries no <c>v2</c> signature (which covers it).</summary>
    QueryNotSigned,
}

/// <summary>
/// The webhook signature, as Stripe signs its webhooks:
/// <c>X-Alerts-Signature: t=&lt;unix seconds&gt;,v1=&lt;hex HMAC-SHA256(secret, "&lt;t&gt;.&lt;raw body&gt;")&gt;</c>, and
/// <c>v2=&lt;hex HMAC-SHA256(secret, "&lt;t&gt;.&lt;path and query as sent&gt;.&lt;raw body&gt;")&gt;</c>, which also covers the
/// query string: a request that has one must carry a matching <c>v2</c>; <c>v1</c> stays valid without one.
/// Several values and several secrets may be in play at once, so that a secret can be rotated.
/// </summary>
public static class WebhookSignature
{
    public const string HeaderName = "X-Alerts-Signature";

    /// <summary>A signature older (or further in the future) than this is refused. The default is 300 seconds.</summary>
    public static readonly TimeSpan Tolerance = TimeSpan.FromSeconds(300);

    /// <summary>A <c>v1</c> header: the timestamp and the body.</summary>
    public static string Sign(string secret, long unixSeconds, ReadOnlySpan<byte> body)
    {
        ArgumentException.ThrowIfNullOrEmpty(secret);
        return $"t={unixSeconds.ToString(CultureInfo.InvariantCulture)},v1={Convert.ToHexStringLower(Compute(secret, unixSeconds, null, body))}";
    }

    /// <summary>A <c>v2</c> header: the timestamp, the path and query exactly as sent (<c>/api/ratings?dryRun=true</c>) and the body.</summary>
    public static string SignV2(string secret, long unixSeconds, string pathAndQuery, ReadOnlySpan<byte> body)
    {
        ArgumentException.ThrowIfNullOrEmpty(secret);
        ArgumentException.ThrowIfNullOrEmpty(pathAndQuery);
        return $"t={unixSeconds.ToString(CultureInfo.InvariantCulture)},v2={Convert.ToHexStringLower(Compute(secret, unixSeconds, pathAndQuery, body))}";
    }

    /// <summary>Checks a header of a request without a query string (<c>v1</c> only).</summary>
    public static SignatureCheck Verify(string? header, ReadOnlySpan<byte> body, IReadOnlyList<string> secrets, DateTimeOffset now) =>
        Verify(header, null, body, secrets, now, out _);

    /// <summary>
    /// Checks a header against the request's <paramref name="pathAndQuery"/> as sent and its body. With a query string only
    /// a <c>v2</c> value counts; without one, <c>v1</c> or <c>v2</c>. <paramref name="signedAt"/> is the signature's
    /// timestamp when it is <see cref="SignatureCheck.Valid"/>.
    /// </summary>
    public static SignatureCheck Verify(string? header, string? pathAndQuery, ReadOnlySpan<byte> body, IReadOnlyList<string> secrets, DateTimeOffset now, out DateTimeOffset signedAt)
    {
        signedAt = default;
        if (string.IsNullOrWhiteSpace(header))
        {
            return SignatureCheck.Missing;
        }

        long? timestamp = null;
        var v1 = new List<byte[]>();
        var v2 = new List<byte[]>();
        foreach (var part in header.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = part.IndexOf('=');
            if (equals <= 0)
            {
                return SignatureCheck.Malformed;
            }

            var key = part[..equals];
            var value = part[(equals + 1)..];
            if (key == "t")
            {
                if (!long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var t))
                {
                    return SignatureCheck.Malformed;
                }

                timestamp = t;
            }
            else if (key is "v1" or "v2")
            {
                if (value.Length != 64)
                {
                    return SignatureCheck.Malformed;
                }

                try
                {
                    (key == "v1" ? v1 : v2).Add(Convert.FromHexString(value));
                }
                catch (FormatException)
                {
                    return SignatureCheck.Malformed;
                }
            }

            // Other schemes (v0, future versions) are ignored, as Stripe does.
        }

        if (timestamp is null || v1.Count + v2.Count == 0)
        {
            return SignatureCheck.Malformed;
        }

        var hasQuery = pathAndQuery is not null && pathAndQuery.Contains('?', StringComparison.Ordinal);
        if (hasQuery && v2.Count == 0)
        {
            return SignatureCheck.QueryNotSigned;
        }

        if (Math.Abs(now.ToUnixTimeSeconds() - timestamp.Value) > (long)Tolerance.TotalSeconds)
        {
            return SignatureCheck.Expired;
        }

        foreach (var secret in secrets)
        {
            if ((!hasQuery && Matches(Compute(secret, timestamp.Value, null, body), v1))
                || (pathAndQuery is not null && Matches(Compute(secret, timestamp.Value, pathAndQuery, body), v2)))
            {
                signedAt = DateTimeOffset.FromUnixTimeSeconds(timestamp.Value);
                return SignatureCheck.Valid;
            }
        }

        return SignatureCheck.Mismatch;
    }

    private static bool Matches(byte[] expected, List<byte[]> signatures)
    {
        var found = false;
        foreach (var signature in signatures)
        {
            found |= CryptographicOperations.FixedTimeEquals(expected, signature);
        }

        return found;
    }

    private static byte[] Compute(string secret, long unixSeconds, string? pathAndQuery, ReadOnlySpan<byte> body)
    {
        var prefix = unixSeconds.ToString(CultureInfo.InvariantCulture) + "." + (pathAndQuery is null ? string.Empty : pathAndQuery + ".");
        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, Encoding.UTF8.GetBytes(secret));
        hmac.AppendData(Encoding.UTF8.GetBytes(prefix));
        hmac.AppendData(body);
        return hmac.GetHashAndReset();
    }
}
