namespace Alerts.Core.Ingest;

/// <summary>A stored change named by its ticker (its partition) and id, as a <see cref="ChangesStored"/> message carries it.</summary>
public sealed record StoredChange(string Ticker, string Id);
