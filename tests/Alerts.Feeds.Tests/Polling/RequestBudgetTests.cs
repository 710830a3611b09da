using Alerts.Infrastructure.Feeds;
using Microsoft.Extensions.Time.Testing;

namespace Alerts.Feeds.Tests.Polling;

public sealed class RequestBudgetTests
{
    [Fact]
    public void TryTake_FmpFreePlan_SpreadsTheDaysCallsInsteadOfSpendingThemAtOnce()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 8, 0, 0, 0, TimeSpan.Zero));
        var budget = new RequestBudget(perMinute: 10, perDay: 250, time);

        // At start: an hour's share of the day (250 / 24, so 10 whole requests), and then nothing.
        Assert.Equal(10, Enumerable.Range(0, 50).Count(_ => budget.TryTake()));

        // Then one request every 86,400 / 250 = 345.6 s (the first once the 0.42 left over has grown to 1, after 201.6 s).
        time.Advance(TimeSpan.FromSeconds(201));
        Assert.False(budget.TryTake());
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(budget.TryTake());
        time.Advance(TimeSpan.FromSeconds(345));
        Assert.False(budget.TryTake());
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(budget.TryTake());
        Assert.False(budget.TryTake());

        // A whole day: never more than the day's 250 (+ the hour's share held at start).
        var taken = 0;
        for (var minute = 0; minute < 24 * 60; minute++)
        {
            time.Advance(TimeSpan.FromMinutes(1));
            while (budget.TryTake())
            {
                taken++;
            }
        }

        Assert.InRange(taken, 249, 251);
    }

    [Fact]
    public void TryTake_PerMinuteLimit_HoldsWithinAMinute()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 8, 0, 0, 0, TimeSpan.Zero));
        var budget = new RequestBudget(perMinute: 60, perDay: 86_400, time);

        Assert.Equal(60, Enumerable.Range(0, 100).Count(_ => budget.TryTake()));
        time.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(10, Enumerable.Range(0, 100).Count(_ => budget.TryTake()));
    }
}
