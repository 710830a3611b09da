using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using Alerts.Core.Ingest;

namespace Alerts.Core.Securities;

/// <summary>
/// Reads the SEC's <c>company_tickers_exchange.json</c> (<c>{"fields": ["cik", "name", "ticker", "exchange"], "data":
/// [[320193, "Apple Inc.", "AAPL", "Nasdaq"], ...]}</c>) and says whether it is fit to replace the master: the right
/// shape, and at least <see cref="MinimumRows"/> usable rows. A row whose ticker breaks the ticker rule is skipped.
/// </summary>
public static class SecListingsFile
{
    /// <summary>Fewer usable rows than this (the file holds about 10,000) means a truncated or wrong answer.</summary>
    public const int MinimumRows = 5_000;

    private static readonly string[] RequiredFields = ["cik", "name", "ticker"];

    public static bool TryParse(
        ReadOnlySpan<byte> utf8Json,
        int minimumRows,
        [NotNullWhen(true)] out IReadOnlyList<SecListing>? rows,
        [NotNullWhen(false)] out string? problem)
    {
        rows = null;
        try
        {
            var reader = new Utf8JsonReader(utf8Json, new JsonReaderOptions { MaxDepth = 8 });
            using var document = JsonDocument.ParseValue(ref reader);
            return TryRead(document.RootElement, minimumRows, out rows, out problem);
        }
        catch (JsonException e)
        {
            problem = $"not JSON: {e.Message}";
            return false;
        }
    }

    private static bool TryRead(JsonElement root, int minimumRows, [NotNullWhen(true)] out IReadOnlyList<SecListing>? rows, [NotNullWhen(false)] out string? problem)
    {
        rows = null;
        if (root.ValueKind != JsonValueKind.Object
            || !root.TryGetProperty("fields", out var fields) || fields.ValueKind != JsonValueKind.Array
            || !root.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Array)
        {
            problem = "not the SEC's shape: an object with the arrays \"fields\" and \"data\" was expected";
            return false;
        }

        var names = fields.EnumerateArray().Select(f => f.ValueKind == JsonValueKind.String ? f.GetString() : null).ToList();
        var missing = RequiredFields.Where(f => !names.Contains(f)).ToList();
        if (missing.Count > 0)
        {
            problem = $"\"fields\" lacks {string.Join(", ", missing)}";
            return false;
        }

        int cikAt = names.IndexOf("cik"), nameAt = names.IndexOf("name"), tickerAt = names.IndexOf("ticker"), exchangeAt = names.IndexOf("exchange");
        var list = new List<SecListing>(data.GetArrayLength());
        foreach (var row in data.EnumerateArray())
        {
            if (row.ValueKind != JsonValueKind.Array || row.GetArrayLength() < names.Count)
            {
                continue;
            }

            var cik = row[cikAt];
            var name = row[nameAt];
            var ticker = row[tickerAt];
            if (cik.ValueKind != JsonValueKind.Number || !cik.TryGetInt64(out var cikValue) || cikValue <= 0
                || name.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(name.GetString())
                || ticker.ValueKind != JsonValueKind.String || !Tickers.TryNormalize(ticker.GetString(), out var normalized, out _))
            {
                continue;
            }

            var exchange = exchangeAt >= 0 && row[exchangeAt].ValueKind == JsonValueKind.String ? row[exchangeAt].GetString() : null;
            list.Add(new SecListing(cikValue, name.GetString()!.Trim(), normalized, string.IsNullOrWhiteSpace(exchange) ? null : exchange.Trim()));
        }

        if (list.Count < minimumRows)
        {
            problem = $"{list.Count} usable rows, fewer than the {minimumRows} expected";
            return false;
        }

        rows = list;
        problem = null;
        return true;
    }
}
