using Alerts.Core.Ingest;
using Alerts.Core.Ratings;

namespace Alerts.Core.Tests.TestSupport;

/// <summary>Stored changes in a list, read as the table store reads them (newest first, by published time then id).</summary>
internal sealed class InMemoryRatingHistory : IRatingChangeStore
{
    private readonly List<RatingChange> _changes = [];
    private int _windowReads;

    /// <summary>How many window reads were made.</summary>
    public int WindowReads => Volatile.Read(ref _windowReads);

    /// <summary>When set, window reads throw it (storage away).</summary>
    public Exception? Failure { get; set; }

    /// <summary>When set, window reads wait for it (to overlap concurrent callers).</summary>
    public TaskCompletionSource? Gate { get; set; }

    public void Add(params RatingChange[] changes) => _changes.AddRange(changes);

    public Task<IReadOnlyList<StoreResult>> AddAsync(IReadOnlyList<RatingChange> changes, Func<RatingChange, DispatchState> initialState, CancellationToken cancellationToken)
    {
        _changes.AddRange(changes);
        return Task.FromResult<IReadOnlyList<StoreResult>>(changes.Select(_ => StoreResult.Stored).ToList());
    }

    public Task<IReadOnlyList<StoreResult>> FindExistingAsync(IReadOnlyList<RatingChange> changes, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<StoreResult>>(changes.Select(c => _changes.Any(s => s.Id == c.Id) ? StoreResult.DuplicateOf(c.Id) : StoreResult.Stored).ToList());

    public Task MarkAsync(IReadOnlyList<DispatchMark> marks, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task<IReadOnlyList<RatingChange>> GetPendingAsync(string ticker, DateTimeOffset receivedBefore, int max, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<RatingChange>>([]);

    public Task<(RatingChange Change, DispatchState State)?> GetAsync(string ticker, string changeId, CancellationToken cancellationToken) =>
        Task.FromResult(_changes.FirstOrDefault(c => c.Ticker == ticker && c.Id == changeId) is { } change ? ((RatingChange, DispatchState)?)(change, DispatchState.Dispatched) : null);

    public Task<(RatingChange Change, DispatchState State)?> GetBySenderAsync(string source, string senderId, string? ticker, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<IReadOnlyList<RatingChange>> GetHistoryAsync(string ticker, DateTimeOffset? since, int limit, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<RatingChange>>(Read(ticker, since ?? DateTimeOffset.MinValue, DateTimeOffset.MaxValue, limit));

    public async Task<IReadOnlyList<RatingChange>> GetWindowAsync(string ticker, DateTimeOffset from, DateTimeOffset until, int limit, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _windowReads);
        if (Gate is { } gate)
        {
            await gate.Task;
        }

        return Failure is { } failure ? throw failure : Read(ticker, from, until, limit);
    }

    private List<RatingChange> Read(string ticker, DateTimeOffset from, DateTimeOffset until, int limit) =>
        _changes.Where(c => c.Ticker == ticker && c.PublishedAt >= from && c.PublishedAt <= until)
            .OrderByDescending(c => c.PublishedAt).ThenBy(c => c.Id, StringComparer.Ordinal)
            .Take(limit)
            .ToList();
}
