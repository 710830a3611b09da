using Alerts.Core.Matching;

namespace Alerts.Core.Tests.TestSupport;

/// <summary>An <see cref="InMemorySubscriberIndex"/> whose reads of one ticker wait until <see cref="Release"/> (a slow index read).</summary>
internal sealed class GatedSubscriberIndex(InMemorySubscriberIndex inner, string gatedTicker) : ISubscriberIndex
{
    private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Release() => _released.TrySetResult();

    public async IAsyncEnumerable<SubscriberPage> GetPagesAsync(string ticker, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (ticker == gatedTicker)
        {
            await _released.Task.WaitAsync(cancellationToken);
        }

        await foreach (var page in inner.GetPagesAsync(ticker, cancellationToken))
        {
            yield return page;
        }
    }

    public Task<bool> HasFollowersAsync(string ticker, CancellationToken cancellationToken) => inner.HasFollowersAsync(ticker, cancellationToken);
}
