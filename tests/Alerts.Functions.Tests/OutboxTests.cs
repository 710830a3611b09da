using Alerts.Core.Ingest;
using Alerts.Core.Ratings;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;

namespace Alerts.Functions.Tests;

/// <summary>A crash between storing a change and enqueueing its alerts loses nothing: the outbox re-driver finishes it, once.</summary>
[Collection(AlertsAppCollection.Name)]
public sealed class OutboxTests(AlertsApp app)
{
    private IOutbox Outbox => app.Services.GetRequiredService<IOutbox>();

    private IRatingChangeStore Store => app.Services.GetRequiredService<IRatingChangeStore>();

    private OutboxRedriver Redriver => app.Services.GetRequiredService<OutboxRedriver>();

    private static RatingChange Change(string ticker, DateTimeOffset at) =>
        new RatingChangeNormalizer(FirmDirectory.Default).Normalize(
            new RatingChangeSubmission { Ticker = ticker, Firm = "UBS", FromRating = "Neutral", ToRating = "Buy", FromTarget = 10, ToTarget = 14 },
            at);

    [Fact]
    public async Task ChangeStoredButNotDispatched_IsDispatchedByTheRedriver_AndOnlyOnce()
    {
        var email = TestData.Email();
        var ticker = TestData.Ticker();
        await app.SubscribeAndConfirmAsync(email, $"[\"{ticker}\"]");
        var at = DateTimeOffset.UtcNow.AddMinutes(-2);
        var change = Change(ticker, at);

        // The crash: outbox entry written, change stored, and the process died before matching.
        await Outbox.AddAsync([change], at, CancellationToken.None);
        await Store.AddAsync([change], CancellationToken.None);

        var first = await Redriver.RedriveAsync(1000, CancellationToken.None);
        await app.Dispatch.RunAsync(new TimerInfo(), CancellationToken.None);
        var second = await Redriver.RedriveAsync(1000, CancellationToken.None);
        await app.Dispatch.RunAsync(new TimerInfo(), CancellationToken.None);

        Assert.True(first.Dispatched >= 1);
        Assert.DoesNotContain(await Outbox.GetDueAsync(DateTimeOffset.UtcNow, 1000, CancellationToken.None), e => e.ChangeId == change.Id);
        Assert.Equal(DispatchState.Dispatched, (await Store.GetAsync(ticker, change.Id, CancellationToken.None))?.State);
        Assert.Equal(0, second.Dispatched);
        var alert = Assert.Single(app.AlertEmails(email));
        Assert.StartsWith($"UBS upgrades {ticker}", alert.Subject, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EntryWhoseChangeWasNeverStored_IsRemovedWithoutAlerts()
    {
        var ticker = TestData.Ticker();
        var at = DateTimeOffset.UtcNow.AddMinutes(-2);
        var change = Change(ticker, at);
        await Outbox.AddAsync([change], at, CancellationToken.None);

        var summary = await Redriver.RedriveAsync(1000, CancellationToken.None);

        Assert.True(summary.NeverStored >= 1);
        Assert.DoesNotContain(await Outbox.GetDueAsync(DateTimeOffset.UtcNow, 1000, CancellationToken.None), e => e.ChangeId == change.Id);
    }

    [Fact]
    public async Task YoungEntry_IsLeftToTheRequestStillRunningIt()
    {
        var ticker = TestData.Ticker();
        var at = DateTimeOffset.UtcNow;
        var change = Change(ticker, at);
        await Outbox.AddAsync([change], at, CancellationToken.None);

        await Redriver.RedriveAsync(1000, CancellationToken.None);

        Assert.Contains(await Outbox.GetDueAsync(DateTimeOffset.UtcNow.AddMinutes(1), 1000, CancellationToken.None), e => e.ChangeId == change.Id);
        await Outbox.RemoveAsync([new OutboxEntry(ticker, change.Id, at)], CancellationToken.None);
    }

    [Fact]
    public async Task SuccessfulPost_LeavesNothingInTheOutbox()
    {
        var ticker = TestData.Ticker();

        await app.PostRatingsAsync(TestData.Change(ticker));

        Assert.DoesNotContain(await Outbox.GetDueAsync(DateTimeOffset.UtcNow.AddMinutes(1), 1000, CancellationToken.None), e => e.Ticker == ticker);
    }
}
