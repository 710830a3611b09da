using Alerts.Core.Ingest;
using Alerts.Core.Ratings;

namespace Alerts.Core.Tests.TestSupport;

/// <summary>A store that records the dispatched marks only (the tests using it are about dispatch); the store itself is tested against Azurite.</summary>
internal sealed class MarkRecordingStore : IRatingChangeStore
{
    public List<string> Dispatched { get; } = [];

    public Task MarkAsync(IReadOnlyList<DispatchMark> marks, CancellationToken cancellationToken)
    {
        lock (Dispatched)
        {
            Dispatched.AddRange(marks.Where(m => m.State == DispatchState.Dispatched).Select(m => m.Change.Id));
        }

        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<StoreResult>> AddAsync(IReadOnlyList<RatingChange> changes, Func<RatingChange, DispatchState> initialState, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<IReadOnlyList<StoreResult>> FindExistingAsync(IReadOnlyList<RatingChange> changes, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<IReadOnlyList<RatingChange>> GetPendingAsync(string ticker, DateTimeOffset receivedBefore, int max, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<(RatingChange Change, DispatchState State)?> GetAsync(string ticker, string changeId, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<(RatingChange Change, DispatchState State)?> GetBySenderAsync(string source, string senderId, string? ticker, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<IReadOnlyList<RatingChange>> GetHistoryAsync(string ticker, DateTimeOffset? since, int limit, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<IReadOnlyList<RatingChange>> GetWindowAsync(string ticker, DateTimeOffset from, DateTimeOffset until, int limit, CancellationToken cancellationToken) => throw new NotSupportedException();
}
