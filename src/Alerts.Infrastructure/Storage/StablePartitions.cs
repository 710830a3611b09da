using System.Globalization;

namespace Alerts.Infrastructure.Storage;

/// <summary>
/// Spreads keys over a few Table Storage partitions by a hash that never changes across processes and versions
/// (FNV-1a of the key's characters, unlike <see cref="string.GetHashCode()"/>): rows written by one version are found by
/// the next.
/// </summary>
internal static class StablePartitions
{
    /// <summary><paramref name="prefix"/> and the key's partition among <paramref name="partitions"/>, in hex (<c>p0</c>..<c>pf</c>).</summary>
    public static string Of(string prefix, string key, int partitions)
    {
        var hash = 2166136261u;
        foreach (var c in key)
        {
            hash = (hash ^ c) * 16777619u;
        }

        return prefix + (hash % (uint)partitions).ToString("x", CultureInfo.InvariantCulture);
    }
}
