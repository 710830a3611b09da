using System.Collections.Concurrent;
using Alerts.Core.Ratings;

namespace Alerts.Core.Extraction;

/// <summary>
/// Answers "is this name key a firm?" for a <see cref="FirmDirectory"/>, remembering the answers so that the text scan
/// allocates nothing for names it has seen before.
/// </summary>
internal sealed class FirmMatcher
{
    private const int MaxCached = 100_000;

    private readonly FirmDirectory _firms;
    private readonly ConcurrentDictionary<string, bool> _known = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool>.AlternateLookup<ReadOnlySpan<char>> _knownBySpan;
    private int _count;

    public FirmMatcher(FirmDirectory firms)
    {
        _firms = firms;
        _knownBySpan = _known.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    public FirmDirectory Directory => _firms;

    /// <summary>True when <paramref name="key"/> (letters and digits, lower case, "&amp;" as "and") names a firm.</summary>
    public bool IsKnown(ReadOnlySpan<char> key)
    {
        if (key.Length < 2)
        {
            return false;
        }

        if (_knownBySpan.TryGetValue(key, out var known))
        {
            return known;
        }

        var text = key.ToString();
        known = _firms.IsKnown(text);

        // Bounded: text full of never-seen names must not grow the cache without end (nor count it on every miss).
        if (Interlocked.Increment(ref _count) > MaxCached)
        {
            _known.Clear();
            Interlocked.Exchange(ref _count, 0);
        }

        _known.TryAdd(text, known);
        return known;
    }
}
