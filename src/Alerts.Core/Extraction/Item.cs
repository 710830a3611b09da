namespace Alerts.Core.Extraction;

internal enum ItemKind : byte
{
    Word,
    Firm,
    Company,
    Amb,
    Rating,
    Money,
    Number,
    Percent,
    TargetWord,
    Punct,
    Quote,
    Arrow,
}

/// <summary>
/// One unit of a sentence after recognition: a firm, a company (with its ticker), a name that may be either (<see cref="ItemKind.Amb"/>),
/// a rating phrase, an amount, "price target", or a plain word with its <see cref="Kw"/>.
/// </summary>
internal sealed class Item
{
    public ItemKind Kind;

    public Kw Kw;

    public int Start;

    public int End;

    public string Text = string.Empty;

    public string Lower = string.Empty;

    public bool Cap;

    public bool AllCaps;

    public bool Possessive;

    public char P;

    // Entities.
    public string? Ticker;

    public string? CompanyName;

    public bool TickerFromParen;

    /// <summary>A firm alias of one or two capitals ("MS", "GS"): a firm only where the sentence says so.</summary>
    public bool ShortAlias;

    // Amounts.
    public decimal Amount;

    public string? Currency;

    public bool Magnitude;

    // Ratings.
    public bool Quoted;

    public bool IsEntity => Kind is ItemKind.Firm or ItemKind.Company or ItemKind.Amb;

    public bool IsFirmCapable => Kind is ItemKind.Firm or ItemKind.Amb;

    public bool IsPunct(char c) => Kind == ItemKind.Punct && P == c;

    public bool IsAmount => Kind is ItemKind.Money or ItemKind.Number;

    public override string ToString() => Kind switch
    {
        ItemKind.Word => $"{Text}{(Kw == Kw.None ? string.Empty : "/" + Kw)}",
        ItemKind.Company or ItemKind.Amb => $"[{Kind}:{Text}={Ticker}]",
        ItemKind.Money or ItemKind.Number => $"[{Currency}{Amount}{(Magnitude ? "bn" : string.Empty)}]",
        _ => $"[{Kind}:{Text}]",
    };
}
