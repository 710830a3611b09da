using System.Collections.Frozen;
using System.Text;
using System.Text.Json;

namespace Alerts.Core.Ratings;

/// <summary>
/// One canonical name per broker ("J.P. Morgan", "JPMorgan Chase" and "JPM" are all "JPMorgan").
/// The built-in table is <c>Ratings/firms.json</c>; a user extends it with a file of the same shape.
/// A firm that is not in the table keeps the name it was given, with its white space tidied.
/// </summary>
public sealed class FirmDirectory
{
    private static readonly string[] CorporateSuffixes =
    [
        "capitalmarkets", "securities", "research", "partners", "capital", "group", "andco", "co", "llc", "inc", "ltd", "plc", "ag", "sa",
    ];

    private const int MinStrippedKeyLength = 4;

    private readonly FrozenDictionary<string, string> _canonicalByKey;

    private FirmDirectory(FrozenDictionary<string, string> canonicalByKey) => _canonicalByKey = canonicalByKey;

    /// <summary>The built-in table.</summary>
    public static FirmDirectory Default { get; } = Load(extraJson: null);

    /// <summary>All canonical names.</summary>
    public IEnumerable<string> CanonicalNames => _canonicalByKey.Values.Distinct(StringComparer.Ordinal);

    /// <summary>The built-in table plus the firms of <paramref name="extraJson"/> (same shape as firms.json), which win on conflict.</summary>
    public static FirmDirectory Load(string? extraJson)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        using (var stream = typeof(FirmDirectory).Assembly.GetManifestResourceStream("Alerts.Core.Ratings.firms.json")
            ?? throw new InvalidOperationException("The embedded firm table is missing."))
        {
            AddAll(map, JsonDocument.Parse(stream));
        }

        if (!string.IsNullOrWhiteSpace(extraJson))
        {
            AddAll(map, JsonDocument.Parse(extraJson));
        }

        return new FirmDirectory(map.ToFrozenDictionary(StringComparer.Ordinal));
    }

    /// <summary>The canonical name of <paramref name="firm"/>, or the name itself (trimmed, single-spaced) when unknown.</summary>
    public string Canonicalize(string firm)
    {
        ArgumentNullException.ThrowIfNull(firm);
        var key = Key(firm);
        if (_canonicalByKey.TryGetValue(key, out var canonical))
        {
            return canonical;
        }

        // "Foo Securities" is "Foo", but only for names long enough not to collide with initials ("MS Co" is not Morgan Stanley).
        var stripped = StripSuffixes(key);
        if (stripped.Length >= MinStrippedKeyLength && _canonicalByKey.TryGetValue(stripped, out canonical))
        {
            return canonical;
        }

        return string.Join(' ', firm.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
    }

    /// <summary>True when <paramref name="firm"/> is a name or alias in the table.</summary>
    public bool IsKnown(string firm)
    {
        var stripped = StripSuffixes(Key(firm));
        return _canonicalByKey.ContainsKey(Key(firm)) || (stripped.Length >= MinStrippedKeyLength && _canonicalByKey.ContainsKey(stripped));
    }

    internal static string Key(string name)
    {
        var builder = new StringBuilder(name.Length);
        foreach (var c in name.Replace("&", "and", StringComparison.Ordinal))
        {
            if (char.IsLetterOrDigit(c))
            {
                builder.Append(char.ToLowerInvariant(c));
            }
        }

        return builder.ToString();
    }

    private static string StripSuffixes(string key)
    {
        var changed = true;
        while (changed)
        {
            changed = false;
            foreach (var suffix in CorporateSuffixes)
            {
                if (key.Length > suffix.Length + 1 && key.EndsWith(suffix, StringComparison.Ordinal))
                {
                    key = key[..^suffix.Length];
                    changed = true;
                }
            }
        }

        return key;
    }

    private static void AddAll(Dictionary<string, string> map, JsonDocument document)
    {
        using (document)
        {
            foreach (var firm in document.RootElement.GetProperty("firms").EnumerateObject())
            {
                map[Key(firm.Name)] = firm.Name;
                map[StripSuffixes(Key(firm.Name))] = firm.Name;
                foreach (var alias in firm.Value.EnumerateArray())
                {
                    var text = alias.GetString();
                    if (!string.IsNullOrWhiteSpace(text))
                    {
                        map[Key(text)] = firm.Name;
                    }
                }
            }
        }
    }
}
