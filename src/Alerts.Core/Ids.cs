using System.Buffers;
using System.Security.Cryptography;
using System.Text;

namespace Alerts.Core;

/// <summary>How ids are made: digests where an id must be deterministic, random bytes where it must be unguessable.</summary>
public static class Ids
{
    /// <summary>The first <paramref name="length"/> lower-case hex characters of SHA-256(<paramref name="value"/>).</summary>
    public static string Digest(string value, int length = 20) => Digest(value.AsSpan(), length);

    /// <summary>
    /// The same for parts joined by '|' (e.g. <c>alert|{change}|{subscription}</c>), without building the joined string:
    /// the fan-out of a popular ticker makes one per follower.
    /// </summary>
    public static string Digest(string first, string second, string third, int length = 20)
    {
        var chars = first.Length + second.Length + third.Length + 2;
        char[]? rented = null;
        Span<char> joined = chars <= 256 ? stackalloc char[chars] : (rented = ArrayPool<char>.Shared.Rent(chars));
        first.CopyTo(joined);
        joined[first.Length] = '|';
        second.CopyTo(joined[(first.Length + 1)..]);
        joined[first.Length + second.Length + 1] = '|';
        third.CopyTo(joined[(first.Length + second.Length + 2)..]);
        try
        {
            return Digest(joined[..chars], length);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<char>.Shared.Return(rented);
            }
        }
    }

    private static string Digest(ReadOnlySpan<char> value, int length)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(length, 64);
        var bytes = Encoding.UTF8.GetMaxByteCount(value.Length);
        byte[]? rented = null;
        Span<byte> utf8 = bytes <= 1024 ? stackalloc byte[bytes] : (rented = ArrayPool<byte>.Shared.Rent(bytes));
        try
        {
            Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
            SHA256.HashData(utf8[..Encoding.UTF8.GetBytes(value, utf8)], hash);
            return Convert.ToHexStringLower(hash[..((length + 1) / 2)])[..length];
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    /// <summary>128 random bits as 32 lower-case hex characters.</summary>
    public static string NewRandom() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
}
