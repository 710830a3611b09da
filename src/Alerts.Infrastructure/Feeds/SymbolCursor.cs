namespace Alerts.Infrastructure.Feeds;

/// <summary>One symbol's cursor and when it was last polled.</summary>
internal sealed record SymbolCursor(string? Cursor, DateTimeOffset? PolledAt);
