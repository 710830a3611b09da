namespace Alerts.Core.Ingest;

public enum StoreResultKind
{
    /// <summary>New: stored now.</summary>
    Stored,

    /// <summary>The same change (same content, or the same sender id with the same content) is stored already: nothing stored.</summary>
    Duplicate,

    /// <summary>
    /// The sender re-sent a record it had sent before (same source and sender id) with other content: stored as a
    /// correction, visible in history, never alerted as news (the first version was); its fan-out tells whoever received
    /// the first version's alert when what an alert says changed (<see cref="CorrectionDispatcher"/>).
    /// </summary>
    Correction,
}

/// <summary>What storing one change did; <see cref="ExistingId"/> is the stored change it repeats or corrects.</summary>
public sealed record StoreResult(StoreResultKind Kind, string? ExistingId = null)
{
    public static readonly StoreResult Stored = new(StoreResultKind.Stored);

    public static StoreResult DuplicateOf(string id) => new(StoreResultKind.Duplicate, id);

    public static StoreResult CorrectionOf(string id) => new(StoreResultKind.Correction, id);
}
