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
}

/// <summary>
/// The webhook signature, as Stripe signs its webhooks:
/// <c>X-Alerts-Signature: t=&lt;unix seconds&gt;,v1=&lt;hex HMAC-SHA256(secret, "&lt;t&gt;.&lt;raw body&gt;")&gt;</c>.
/// Several <c>v1</c> values and several secrets may be in play at once, so that a secret can be rotated.
/// </summary>
public static class WebhookSignature
{
    public const string HeaderName = "X-Alerts-Signature";

    /// <summary>A signature older (or further in the future) than this is refused. The default is 300 seconds.</summary>
    public static readonly TimeSpan Tolerance = TimeSpan.FromSeconds(300);

    public static string Sign(string secret, long unixSeconds, ReadOnlySpan<byte> body)
    {
        ArgumentException.ThrowIfNullOrEmpty(secret);
        return $"t={unixSeconds.ToString(CultureInfo.InvariantCulture)},v1={Convert.ToHexStringLower(Compute(secret, unixSeconds, body))}";
    }

    public static SignatureCheck Verify(string? header, ReadOnlySpan<byte> body, IReadOnlyList<string> secrets, DateTimeOffset now)
    {
        if (string.IsNullOrWhiteSpace(header))
        {
            return SignatureCheck.Missing;
        }

        long? timestamp = null;
        var signatures = new List<byte[]>();
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
            else if (key == "v1")
            {
                if (value.Length != 64)
                {
                    return SignatureCheck.Malformed;
                }

                try
                {
                    signatures.Add(Convert.FromHexString(value));
                }
                catch (FormatException)
                {
                    return SignatureCheck.Malformed;
                }
            }

            // Other schemes (v0, future versions) are ignored, as Stripe does.
        }

        if (timestamp is null || signatures.Count == 0)
        {
            return SignatureCheck.Malformed;
        }

        if (Math.Abs(now.ToUnixTimeSeconds() - timestamp.Value) > (long)Tolerance.TotalSeconds)
        {
            return SignatureCheck.Expired;
        }

        foreach (var secret in secrets)
        {
            var expected = Compute(secret, timestamp.Value, body);
            foreach (var signature in signatures)
            {
                if (CryptographicOperations.FixedTimeEquals(expected, signature))
                {
                    return SignatureCheck.Valid;
                }
            }
        }

        return SignatureCheck.Mismatch;
    }

    private static byte[] Compute(string secret, long unixSeconds, ReadOnlySpan<byte> body)
    {
        var prefix = Encoding.UTF8.GetBytes(unixSeconds.ToString(CultureInfo.InvariantCulture) + ".");
        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, Encoding.UTF8.GetBytes(secret));
        hmac.AppendData(prefix);
        hmac.AppendData(body);
        return hmac.GetHashAndReset();
    }
}
