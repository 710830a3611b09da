namespace Alerts.Core.Ingest;

/// <summary>The limits of the contract ("Limits"), in one place.</summary>
public static class IngestLimits
{
    /// <summary>A body over this many bytes is refused with 413.</summary>
    public const int MaxBodyBytes = 1024 * 1024;

    /// <summary>A batch of more changes than this is refused with 413.</summary>
    public const int MaxChanges = 1_000;

    public const int MaxTickerLength = 12;
    public const int MaxNameLength = 100;
    public const int MaxRatingLength = 100;
    public const int MaxUrlLength = 2_048;
    public const int MaxSenderIdLength = 200;
    public const int MaxHistoryLimit = 1_000;
    public const int DefaultHistoryLimit = 100;

    /// <summary>Targets above this are typos, not prices.</summary>
    public const decimal MaxTarget = 10_000_000m;
}
