using System.Collections.Frozen;
using System.Text.Json;

namespace Alerts.Core.Securities;

/// <summary>
/// The name data kept beside the SEC's file, as data a user extends: the alias table (<c>Extraction/companies.json</c>:
/// short, well-known and former names, "Google" -> GOOGL, "Facebook" -> META) and the names that are ordinary words
/// (<c>Securities/Data/common-words.json</c>). A user's document may carry <c>companies</c>, <c>commonWords</c> and
/// <c>dictionaryWords</c>; its aliases win on conflict.
/// </summary>
internal sealed class NameData
{
    private NameData(IReadOnlyList<(string Ticker, IReadOnlyList<string> Names)> aliases, FrozenSet<string> commonWords, FrozenSet<string> dictionaryWords)
    {
        Aliases = aliases;
        CommonWords = commonWords;
        DictionaryWords = dictionaryWords;
    }

    /// <summary>Tickers and their names, built-in first, then the user's: the later wins.</summary>
    public IReadOnlyList<(string Ticker, IReadOnlyList<string> Names)> Aliases { get; }

    /// <summary>Keys that never resolve bare, not even as an alias's short form ("target", "block").</summary>
    public FrozenSet<string> CommonWords { get; }

    /// <summary>Keys of listings whose short name is an English word: they need a suffix unless an alias names them.</summary>
    public FrozenSet<string> DictionaryWords { get; }

    public static NameData Load(string? extraJson)
    {
        var aliases = new List<(string, IReadOnlyList<string>)>();
        var common = new HashSet<string>(StringComparer.Ordinal);
        var dictionary = new HashSet<string>(StringComparer.Ordinal);
        Read(Embedded("Alerts.Core.Extraction.companies.json"), aliases, common, dictionary);
        Read(Embedded("Alerts.Core.Securities.common-words.json"), aliases, common, dictionary);
        if (!string.IsNullOrWhiteSpace(extraJson))
        {
            using var document = JsonDocument.Parse(extraJson);
            Read(document, aliases, common, dictionary);
        }

        return new NameData(aliases, common.ToFrozenSet(StringComparer.Ordinal), dictionary.ToFrozenSet(StringComparer.Ordinal));
    }

    private static JsonDocument Embedded(string name)
    {
        using var stream = typeof(NameData).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"The embedded resource {name} is missing.");
        return JsonDocument.Parse(stream);
    }

    private static void Read(JsonDocument document, List<(string, IReadOnlyList<string>)> aliases, HashSet<string> common, HashSet<string> dictionary)
    {
        using (document)
        {
            var root = document.RootElement;
            if (root.TryGetProperty("companies", out var companies))
            {
                foreach (var company in companies.EnumerateObject())
                {
                    var ticker = company.Name.Trim().ToUpperInvariant();
                    var names = company.Value.EnumerateArray()
                        .Select(n => n.GetString()?.Trim())
                        .Where(n => !string.IsNullOrEmpty(n))
                        .Select(n => n!)
                        .ToList();
                    if (ticker.Length > 0 && names.Count > 0)
                    {
                        aliases.Add((ticker, names));
                    }
                }
            }

            AddWords(root, "commonWords", common);
            AddWords(root, "dictionaryWords", dictionary);
        }
    }

    private static void AddWords(JsonElement root, string property, HashSet<string> into)
    {
        if (root.TryGetProperty(property, out var words))
        {
            foreach (var word in words.EnumerateArray())
            {
                if (word.GetString() is { } text && CompanyNames.Key(text) is { Length: > 0 } key)
                {
                    into.Add(key);
                }
            }
        }
    }
}
