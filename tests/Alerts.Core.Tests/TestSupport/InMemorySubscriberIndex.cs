using System.Runtime.CompilerServices;
using Alerts.Core.Matching;

namespace Alerts.Core.Tests.TestSupport;

/// <summary>An <see cref="ISubscriberIndex"/> over a list; records which tickers were asked for.</summary>
internal sealed class InMemorySubscriberIndex : ISubscriberIndex
{
    private readonly Dictionary<string, List<Subscriber>> _byTicker = new(StringComparer.Ordinal);

    public List<string> Requests { get; } = [];

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

    public async IAsyncEnumerable<Subscriber> GetSubscribersAsync(string ticker, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        Requests.Add(ticker);
        await Task.Yield();
        foreach (var subscriber in _byTicker.GetValueOrDefault(ticker) ?? [])
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return subscriber;
        }
    }
}
