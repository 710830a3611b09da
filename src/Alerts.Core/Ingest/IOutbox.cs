namespace Alerts.Core.Ingest;

/// <summary>"Changes of <paramref name="Ticker"/> received in the minute starting at <paramref name="Minute"/> may be pending dispatch."</summary>
public sealed record OutboxEntry(string Ticker, DateTimeOffset Minute);

/// <summary>
/// The outbox's index: which tickers may hold changes pending dispatch. The pending state itself lives with each change,
/// in the change's own partition and transaction (<see cref="IRatingChangeStore.AddAsync(IReadOnlyList{Ratings.RatingChange}, Func{Ratings.RatingChange, DispatchState}, CancellationToken)"/>),
/// so storing a change and its outbox record is one write. Before a post stores pending changes, each of their tickers
/// is noted here for the minute of receipt (once per ticker and minute: later posts of that minute write nothing).
/// Whatever is lost after that (a crash before the fan-out message is queued, a message set aside after its last
/// attempt), <see cref="PendingChangeSweep"/> finds the ticker here, reads its pending rows and finishes the work.
/// </summary>
public interface IOutbox
{
    /// <summary>Notes <paramref name="tickers"/> for the minute of <paramref name="at"/>; returns once the note is stored.</summary>
    Task AddAsync(IEnumerable<string> tickers, DateTimeOffset at, CancellationToken cancellationToken);

    Task RemoveAsync(IReadOnlyList<OutboxEntry> entries, CancellationToken cancellationToken);

    /// <summary>Entries of minutes that ended before <paramref name="before"/>, oldest first.</summary>
    Task<IReadOnlyList<OutboxEntry>> GetDueAsync(DateTimeOffset before, int max, CancellationToken cancellationToken);
}
