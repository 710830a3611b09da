using Alerts.Core.Ingest;
using Alerts.Core.Ratings;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace Alerts.Functions.Tests;

/// <summary>
/// A webhook post is answered once its changes are stored; their alerts are matched and queued after the answer by
/// <see cref="BackgroundFanOut"/>, or before it when nothing drains the hand-off (the changes are never lost either way:
/// stored pending, the re-driver finishes what a stop leaves). Each test runs its own hand-off, so the shared app's other
/// tests keep dispatching before their answer.
/// </summary>
[Collection(AlertsAppCollection.Name)]
public sealed class BackgroundFanOutTests(AlertsApp app)
{
    private IRatingChangeStore Store => app.Services.GetRequiredService<IRatingChangeStore>();

    private BackgroundFanOut NewHandOff() =>
        new(app.Services.GetRequiredService<PendingChangeDispatcher>(), TimeProvider.System, NullLogger<BackgroundFanOut>.Instance);

    private RatingIngestService IngestWith(BackgroundFanOut handOff) =>
        ActivatorUtilities.CreateInstance<RatingIngestService>(app.Services, handOff);

    private static RatingChangeSubmission Upgrade(string ticker) =>
        new() { Ticker = ticker, Firm = "UBS", FromRating = "Neutral", ToRating = "Buy", FromTarget = 10, ToTarget = 14, PublishedAt = DateTimeOffset.UtcNow };

    private async Task<DispatchState?> WaitForStateAsync(string ticker, string id, DispatchState wanted)
    {
        for (var i = 0; i < 300; i++)
        {
            var state = (await Store.GetAsync(ticker, id, CancellationToken.None))?.State;
            if (state == wanted)
            {
                return state;
            }

            await Task.Delay(100);
        }

        return (await Store.GetAsync(ticker, id, CancellationToken.None))?.State;
    }

    private static RunningHandOff Run(BackgroundFanOut handOff) => new(handOff);

    /// <summary>A hand-off drained by its own run, as the hosted service does; stopped on dispose.</summary>
    private sealed class RunningHandOff : IAsyncDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _running;

        public RunningHandOff(BackgroundFanOut handOff)
        {
            HandOff = handOff;
            _running = handOff.RunAsync(_stop.Token);
        }

        public BackgroundFanOut HandOff { get; }

        public async Task StopAsync()
        {
            await _stop.CancelAsync();
            await _running;
        }

        public async ValueTask DisposeAsync()
        {
            await StopAsync();
            _stop.Dispose();
        }
    }

    /// <summary>A ticker with one confirmed follower.</summary>
    private async Task<(string Email, string Ticker)> FollowedTickerAsync()
    {
        var (email, ticker) = (TestData.Email(), TestData.Ticker());
        await app.SubscribeAndConfirmAsync(email, $"[\"{ticker}\"]");
        return (email, ticker);
    }

    /// <summary>An upgrade on the ticker ingested as the webhook does (asking for the fan-out after the answer).</summary>
    private Task<IngestResult> PostAsync(BackgroundFanOut handOff, string ticker) =>
        IngestWith(handOff).IngestAsync([Upgrade(ticker)], dryRun: false, CancellationToken.None, fanOutInBackground: true);

    private async Task<DispatchState?> StateAsync(string ticker, IngestResult result) =>
        (await Store.GetAsync(ticker, Assert.Single(result.Changes).Change.Id, CancellationToken.None))?.State;

    [Fact]
    public async Task WhileRunning_ThePostIsAnsweredStored_AndItsAlertQueuedAfter()
    {
        var (email, ticker) = await FollowedTickerAsync();
        await using var running = Run(NewHandOff());
        var handOff = running.HandOff;

        var result = await PostAsync(handOff, ticker);

        Assert.Equal((1, 0, 1), (result.Accepted, result.AlertsMatched, result.FanningOut));
        var id = Assert.Single(result.Changes).Change.Id;
        Assert.Equal(DispatchState.Dispatched, await WaitForStateAsync(ticker, id, DispatchState.Dispatched));
        Assert.Empty(await Store.GetPendingAsync(ticker, DateTimeOffset.UtcNow.AddYears(1), 10, CancellationToken.None));
        await app.Dispatch.RunAsync(new TimerInfo(), CancellationToken.None);
        var alert = Assert.Single(app.AlertEmails(email));
        Assert.StartsWith($"UBS upgrades {ticker}", alert.Subject, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NotRunning_TheAlertsAreQueuedBeforeTheAnswer()
    {
        var (_, ticker) = await FollowedTickerAsync();
        var handOff = NewHandOff();

        var result = await PostAsync(handOff, ticker);

        Assert.False(handOff.IsRunning);
        Assert.Equal((1, 1, 0), (result.Accepted, result.AlertsMatched, result.FanningOut));
        Assert.Equal(DispatchState.Dispatched, await StateAsync(ticker, result));
    }

    [Fact]
    public async Task Stopped_TakesNoMoreHandOffs_SoTheCallerDispatches()
    {
        var (_, ticker) = await FollowedTickerAsync();
        await using var running = Run(NewHandOff());
        var handOff = running.HandOff;
        Assert.True(handOff.IsRunning);
        await running.StopAsync();

        var result = await PostAsync(handOff, ticker);

        Assert.Equal((1, 1, 0), (result.Accepted, result.AlertsMatched, result.FanningOut));
        Assert.Equal(DispatchState.Dispatched, await StateAsync(ticker, result));
    }

    [Fact]
    public async Task FeedsAndOtherCallers_DispatchBeforeReturning_EvenWhileTheHandOffRuns()
    {
        var (_, ticker) = await FollowedTickerAsync();
        await using var running = Run(NewHandOff());
        var handOff = running.HandOff;

        var result = await IngestWith(handOff).IngestAsync([Upgrade(ticker)], dryRun: false, CancellationToken.None);

        Assert.Equal((1, 1, 0), (result.Accepted, result.AlertsMatched, result.FanningOut));
    }
}
