namespace Alerts.Core.Extraction;

internal enum TokKind : byte
{
    Word,
    Number,
    Money,
    Percent,
    Cashtag,
    Punct,
    Quote,
    Arrow,
}

/// <summary>One token of a sentence: a word, an amount, a punctuation mark or a quote.</summary>
internal sealed class Token
{
    public TokKind Kind;

    /// <summary>Position in the sentence (start inclusive, end exclusive), possessive included.</summary>
    public int Start;

    public int End;

    /// <summary>The word as written, without a possessive "'s"; for punctuation the character.</summary>
    public string Text = string.Empty;

    public string Lower = string.Empty;

    public Kw Kw;

    public bool Possessive;

    /// <summary>Starts with an upper-case letter or a digit.</summary>
    public bool Cap;

    /// <summary>Has letters and all of them are upper case.</summary>
    public bool AllCaps;

    /// <summary>Has at least one upper-case letter ("eBay", "iRobot").</summary>
    public bool HasUpper;

    public decimal Amount;

    public string? Currency;

    /// <summary>An amount followed by "billion", "million" ...: not a price target.</summary>
    public bool Magnitude;

    public char P;

    public bool IsWord => Kind == TokKind.Word;

    public bool IsPunct(char c) => Kind == TokKind.Punct && P == c;

    public override string ToString() => $"{Kind}:{Text}";
}
