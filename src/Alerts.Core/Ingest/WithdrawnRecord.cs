namespace Alerts.Core.Ingest;

/// <summary>A record its source deleted: the source's own id for it, and its ticker when the source said (else looked up).</summary>
public sealed record WithdrawnRecord(string SenderId, string? Ticker = null);
