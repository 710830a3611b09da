using System.Runtime.CompilerServices;
using Alerts.Core.Matching;

namespace Alerts.Core.Tests.TestSupport;

/// <summary>
/// An <see cref="ISubscriberIndex"/> over a list, in pages of <see cref="PageSize"/> rows (as the table store reads them);
/// records which tickers were asked for.
/// </summary>
internal sealed class InMemorySubscriberIndex : ISubscriberIndex
{
    private readonly Dictionary<string, List<Subscriber>> _byTicker = new(StringComparer.Ordinal);

    public List<string> Requests { get; } = [];

    /// <summary>Rows per page yielded (1,000 in the table store); small values make a ticker span several pages.</summary>
    public int PageSize { get; set; } = 1000;

    public InMemorySubscriberIndex Add(string ticker, Subscriber subscriber)
    {
        if (!_byTicker.TryGetValue(ticker, out var list))
        {
            list = [];
            _byTicker[ticker] = list;
        }

        list.Add(subscriber);
        return this;
    }

    public Task<bool> HasFollowersAsync(string ticker, CancellationToken cancellationToken) =>
        Task.FromResult(_byTicker.GetValueOrDefault(ticker) is { Count: > 0 });

    public async IAsyncEnumerable<SubscriberPage> GetPagesAsync(string ticker, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        Requests.Add(ticker);
        await Task.Yield();
        foreach (var rows in (_byTicker.GetValueOrDefault(ticker) ?? []).Chunk(PageSize))
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return SubscriberPage.Of(rows);
        }
    }
}
