using System.Collections.Frozen;
using System.Diagnostics.CodeAnalysis;
using System.Text;
using System.Text.Json;

namespace Alerts.Core.Extraction;

/// <summary>
/// Company names and the tickers they stand for ("Apple" and "Apple Inc." are AAPL), used to resolve a company that
/// news text names without its ticker. The built-in table is <c>Extraction/companies.json</c>; a user extends it with a
/// document of the same shape (<see cref="Load"/>). Lookup ignores case, punctuation, spaces and corporate suffixes.
/// </summary>
public sealed class CompanyDirectory
{
    private static readonly string[] Suffixes =
    [
        "incorporated", "corporation", "andcompany", "companies", "company", "limited", "andco", "corp", "inc", "ltd", "plc", "llc", "lp", "co",
        "sa", "se", "ag", "nv",
    ];

    /// <summary>Words that are a company's name only with their suffix ("Target Corp.", "Block Inc."): never matched bare.</summary>
    private static readonly FrozenSet<string> CommonWords = new[]
    {
        "target", "block", "gap", "match", "progressive", "coherent", "unity", "sea", "ball", "mosaic", "crown", "fortune", "global", "general",
        "united", "american", "sun", "carnival", "dow", "fox", "hp", "vf", "evercore", "strategy", "apollo", "paramount", "price", "stock",
        "shares", "buy", "sell", "hold", "the", "on", "now", "key", "low", "all", "it", "net", "path", "team", "five", "five below",
    }.ToFrozenSet(StringComparer.Ordinal);

    private readonly FrozenDictionary<string, CompanyName> _byKey;
    private readonly FrozenDictionary<string, string> _nameByTicker;
    private readonly FrozenDictionary<string, CompanyName>.AlternateLookup<ReadOnlySpan<char>> _byKeySpan;

    private CompanyDirectory(Dictionary<string, CompanyName> byKey, Dictionary<string, string> nameByTicker)
    {
        _byKey = byKey.ToFrozenDictionary(StringComparer.Ordinal);
        _nameByTicker = nameByTicker.ToFrozenDictionary(StringComparer.Ordinal);
        _byKeySpan = _byKey.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>The built-in table.</summary>
    public static CompanyDirectory Default { get; } = Load(extraJson: null);

    /// <summary>Number of companies (tickers) in the table.</summary>
    public int Count => _nameByTicker.Count;

    /// <summary>
    /// The built-in table plus the companies of <paramref name="extraJson"/>: <c>{"companies": {"TICKER": ["Name", "Other name"]}}</c>.
    /// Its entries win on conflict (a name listed there under another ticker moves to that ticker).
    /// </summary>
    public static CompanyDirectory Load(string? extraJson)
    {
        var byKey = new Dictionary<string, CompanyName>(StringComparer.Ordinal);
        var nameByTicker = new Dictionary<string, string>(StringComparer.Ordinal);
        using (var stream = typeof(CompanyDirectory).Assembly.GetManifestResourceStream("Alerts.Core.Extraction.companies.json")
            ?? throw new InvalidOperationException("The embedded company table is missing."))
        {
            AddAll(byKey, nameByTicker, JsonDocument.Parse(stream));
        }

        if (!string.IsNullOrWhiteSpace(extraJson))
        {
            AddAll(byKey, nameByTicker, JsonDocument.Parse(extraJson));
        }

        return new CompanyDirectory(byKey, nameByTicker);
    }

    /// <summary>The ticker of the company called <paramref name="name"/> ("Apple Inc." -> AAPL).</summary>
    public bool TryResolve(string name, [NotNullWhen(true)] out string? ticker)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (TryGet(Key(name), out var company))
        {
            ticker = company.Ticker;
            return true;
        }

        ticker = null;
        return false;
    }

    /// <summary>True when <paramref name="ticker"/> is a ticker of the table (any case).</summary>
    public bool IsKnownTicker(string ticker) => _nameByTicker.ContainsKey(ticker.Trim().ToUpperInvariant());

    /// <summary>The table's name for <paramref name="ticker"/>, or null.</summary>
    public string? NameOf(string ticker) => _nameByTicker.GetValueOrDefault(ticker.Trim().ToUpperInvariant());

    internal bool IsKnownTicker(ReadOnlySpan<char> upperTicker) =>
        _nameByTicker.GetAlternateLookup<ReadOnlySpan<char>>().ContainsKey(upperTicker);

    /// <summary>Looks a name key up as it is, then without its corporate suffix ("nioinc" -> "nio").</summary>
    internal bool TryGet(ReadOnlySpan<char> key, out CompanyName company)
    {
        if (_byKeySpan.TryGetValue(key, out company))
        {
            return true;
        }

        var stripped = StripSuffixes(key);
        if (stripped.Length != key.Length && stripped.Length >= 2 && _byKeySpan.TryGetValue(stripped, out company))
        {
            return !CommonWords.GetAlternateLookup<ReadOnlySpan<char>>().Contains(stripped);
        }

        company = default;
        return false;
    }

    /// <summary>Letters and digits only, lower case, "&amp;" as "and" (the key <see cref="Ratings.FirmDirectory"/> uses too).</summary>
    internal static string Key(string name)
    {
        var builder = new StringBuilder(name.Length);
        foreach (var c in name)
        {
            if (c == '&')
            {
                builder.Append("and");
            }
            else if (char.IsLetterOrDigit(c))
            {
                builder.Append(char.ToLowerInvariant(c));
            }
        }

        return builder.ToString();
    }

    internal static ReadOnlySpan<char> StripSuffixes(ReadOnlySpan<char> key)
    {
        var changed = true;
        while (changed)
        {
            changed = false;
            foreach (var suffix in Suffixes)
            {
                if (key.Length > suffix.Length + 1 && key.EndsWith(suffix, StringComparison.Ordinal))
                {
                    key = key[..^suffix.Length];
                    changed = true;
                    break;
                }
            }
        }

        return key;
    }

    private static void AddAll(Dictionary<string, CompanyName> byKey, Dictionary<string, string> nameByTicker, JsonDocument document)
    {
        using (document)
        {
            foreach (var company in document.RootElement.GetProperty("companies").EnumerateObject())
            {
                var ticker = company.Name.Trim().ToUpperInvariant();
                if (ticker.Length == 0)
                {
                    continue;
                }

                string? first = null;
                foreach (var nameElement in company.Value.EnumerateArray())
                {
                    var name = nameElement.GetString()?.Trim();
                    if (string.IsNullOrEmpty(name))
                    {
                        continue;
                    }

                    first ??= name;
                    var entry = new CompanyName(ticker, first);
                    var key = Key(name);
                    if (key.Length == 0)
                    {
                        continue;
                    }

                    byKey[key] = entry;

                    // "McDonald's" is also matched as "McDonald" followed by a possessive.
                    if (name.EndsWith("'s", StringComparison.Ordinal) || name.EndsWith("’s", StringComparison.Ordinal))
                    {
                        byKey[Key(name[..^2])] = entry;
                    }

                    var stripped = StripSuffixes(key).ToString();
                    if (stripped.Length >= 2 && stripped.Length != key.Length && !CommonWords.Contains(stripped))
                    {
                        byKey.TryAdd(stripped, entry);
                    }
                }

                if (first is not null)
                {
                    nameByTicker[ticker] = first;
                }
            }
        }
    }
}

/// <summary>A company of the table: its ticker and its usual name.</summary>
internal readonly record struct CompanyName(string Ticker, string Name);
