namespace Alerts.Core.Securities;

/// <summary>What a listed ticker is: only <see cref="Common"/> listings are matched by company name in text.</summary>
public enum ListingKind
{
    /// <summary>A company's common stock or one of its share classes (GOOGL, BRK-B).</summary>
    Common,

    /// <summary>A preferred share (CTA-PA, BAC-PL).</summary>
    Preferred,

    /// <summary>A warrant, a unit or a right (-WT, -UN, -RI).</summary>
    Derivative,

    /// <summary>A fund, an ETF or an ETN (SPY, GLD).</summary>
    Fund,
}
