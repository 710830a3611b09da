namespace Alerts.Core.Extraction;

/// <summary>What one text has established so far: names introduced with a ticker, and the firm and company last spoken of.</summary>
internal sealed class TextContext
{
    private readonly Dictionary<string, CompanyName> _names = new(StringComparer.Ordinal);
    private readonly HashSet<string> _tickers = new(StringComparer.Ordinal);

    public TextContext()
    {
        Names = _names.GetAlternateLookup<ReadOnlySpan<char>>();
        Tickers = _tickers.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    public Dictionary<string, CompanyName>.AlternateLookup<ReadOnlySpan<char>> Names { get; }

    public HashSet<string>.AlternateLookup<ReadOnlySpan<char>> Tickers { get; }

    public bool HasNames => _names.Count > 0;

    /// <summary>The firm last named in a firm's role, as written.</summary>
    public string? LastFirm { get; set; }

    /// <summary>The company last spoken of.</summary>
    public CompanyName? LastCompany { get; set; }

    /// <summary>The company last spoken of, when it has no listing known here (then <see cref="LastCompany"/> is null).</summary>
    public string? LastUnlistedCompany { get; set; }

    /// <summary>The text has been speaking of price targets ("... lifted Cipher to $18 from $12, MARA to $25 ...").</summary>
    public bool TargetTopic { get; set; }

    public void AddTicker(string ticker) => _tickers.Add(ticker);

    public void AddName(string key, CompanyName company)
    {
        if (key.Length >= 2)
        {
            _names[key] = company;
        }
    }

    public bool TryGetName(ReadOnlySpan<char> key, out CompanyName company)
    {
        if (_names.Count == 0)
        {
            company = default;
            return false;
        }

        if (Names.TryGetValue(key, out company))
        {
            return true;
        }

        var stripped = CompanyDirectory.StripSuffixes(key);
        return stripped.Length != key.Length && stripped.Length >= 2 && Names.TryGetValue(stripped, out company);
    }
}
