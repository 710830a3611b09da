using System.Security.Cryptography;
using System.Text;

namespace Alerts.Core;

/// <summary>How ids are made: digests where an id must be deterministic, random bytes where it must be unguessable.</summary>
public static class Ids
{
    /// <summary>The first <paramref name="length"/> lower-case hex characters of SHA-256(<paramref name="value"/>).</summary>
    public static string Digest(string value, int length = 20) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(value)))[..length];

    /// <summary>128 random bits as 32 lower-case hex characters.</summary>
    public static string NewRandom() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
}
