using Alerts.Core.Ingest;
using Alerts.Core.Ratings;
using Azure.Data.Tables;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;

namespace Alerts.Functions.Tests;

/// <summary>
/// A crash between storing a change and enqueueing its alerts loses nothing: the change is stored pending (its outbox
/// record in its own transaction), its ticker is noted in the outbox, and the re-driver finishes it, once.
/// </summary>
[Collection(AlertsAppCollection.Name)]
public sealed class OutboxTests(AlertsApp app)
{
    private IOutbox Outbox => app.Services.GetRequiredService<IOutbox>();

    private IRatingChangeStore Store => app.Services.GetRequiredService<IRatingChangeStore>();

    private OutboxRedriver Redriver => app.Services.GetRequiredService<OutboxRedriver>();

    private TableClient OutboxTable => new TableServiceClient(app.Azurite.ConnectionString).GetTableClient("Outbox");

    private static RatingChange Change(string ticker, DateTimeOffset at) =>
        new RatingChangeNormalizer(FirmDirectory.Default).Normalize(
            new RatingChangeSubmission { Ticker = ticker, Firm = "UBS", FromRating = "Neutral", ToRating = "Buy", FromTarget = 10, ToTarget = 14, PublishedAt = at },
            at);

    private Task<IReadOnlyList<OutboxEntry>> NotesAsync() => Outbox.GetDueAsync(DateTimeOffset.UtcNow.AddMinutes(2), 10_000, CancellationToken.None);

    [Fact]
    public async Task ChangeStoredButNotDispatched_IsDispatchedByTheRedriver_AndOnlyOnce()
    {
        var email = TestData.Email();
        var ticker = TestData.Ticker();
        await app.SubscribeAndConfirmAsync(email, $"[\"{ticker}\"]");
        var at = DateTimeOffset.UtcNow.AddMinutes(-4);
        var change = Change(ticker, at);

        // The crash: ticker noted, change stored pending, and the process died before matching.
        await Outbox.AddAsync([ticker], at, CancellationToken.None);
        await Store.AddAsync([change], CancellationToken.None);

        var first = await Redriver.RedriveAsync(1000, CancellationToken.None);
        await app.Dispatch.RunAsync(new TimerInfo(), CancellationToken.None);
        var second = await Redriver.RedriveAsync(1000, CancellationToken.None);
        await app.Dispatch.RunAsync(new TimerInfo(), CancellationToken.None);

        Assert.True(first.Dispatched >= 1);
        Assert.Equal(DispatchState.Dispatched, (await Store.GetAsync(ticker, change.Id, CancellationToken.None))?.State);
        Assert.Empty(await Store.GetPendingAsync(ticker, DateTimeOffset.UtcNow.AddYears(1), 100, CancellationToken.None));
        Assert.DoesNotContain(await NotesAsync(), e => e.Ticker == ticker);
        Assert.Equal(0, second.Dispatched);
        var alert = Assert.Single(app.AlertEmails(email));
        Assert.StartsWith($"UBS upgrades {ticker}", alert.Subject, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NoteWithNothingPending_IsRemovedOncePastItsRetention()
    {
        var ticker = TestData.Ticker();
        await Outbox.AddAsync([ticker], DateTimeOffset.UtcNow.AddMinutes(-5), CancellationToken.None);

        var summary = await Redriver.RedriveAsync(1000, CancellationToken.None);

        Assert.True(summary.Cleared >= 1);
        Assert.DoesNotContain(await NotesAsync(), e => e.Ticker == ticker);
    }

    [Fact]
    public async Task YoungChange_IsLeftToTheRequestStillRunningIt_AndItsNoteKept()
    {
        var ticker = TestData.Ticker();
        var noted = DateTimeOffset.UtcNow.AddMinutes(-1.5);
        var change = Change(ticker, DateTimeOffset.UtcNow);
        await Outbox.AddAsync([ticker], noted, CancellationToken.None);
        await Store.AddAsync([change], CancellationToken.None);

        await Redriver.RedriveAsync(1000, CancellationToken.None);

        Assert.Equal(DispatchState.Pending, (await Store.GetAsync(ticker, change.Id, CancellationToken.None))?.State);
        Assert.Contains(await NotesAsync(), e => e.Ticker == ticker);
        await Store.MarkAsync(change, DispatchState.Dispatched, CancellationToken.None);
    }

    [Fact]
    public async Task SuccessfulPost_LeavesNothingPending()
    {
        var ticker = TestData.Ticker();
        await app.SubscribeAndConfirmAsync(TestData.Email(), $"[\"{ticker}\"]");

        var response = await app.PostRatingsAsync(TestData.Change(ticker));

        var id = response.Json().GetProperty("changes")[0].GetProperty("id").GetString()!;
        Assert.Equal(DispatchState.Dispatched, (await Store.GetAsync(ticker, id, CancellationToken.None))?.State);
        Assert.Empty(await Store.GetPendingAsync(ticker, DateTimeOffset.UtcNow.AddYears(1), 100, CancellationToken.None));
    }

    [Fact]
    public async Task PostOnATickerNobodyFollows_IsStoredFinished_AndNotesNothing()
    {
        var ticker = TestData.Ticker();

        var response = await app.PostRatingsAsync(TestData.Change(ticker));

        var id = response.Json().GetProperty("changes")[0].GetProperty("id").GetString()!;
        Assert.Equal(DispatchState.Dispatched, (await Store.GetAsync(ticker, id, CancellationToken.None))?.State);
        Assert.Empty(await Store.GetPendingAsync(ticker, DateTimeOffset.UtcNow.AddYears(1), 100, CancellationToken.None));
        Assert.DoesNotContain(await NotesAsync(), e => e.Ticker == ticker);
    }

    [Fact]
    public async Task AddAsync_SameTickerAgainWithinTheMinute_IsNotWrittenAgain()
    {
        var ticker = TestData.Ticker();
        var now = DateTimeOffset.UtcNow;
        var minute = now.UtcDateTime.ToString("yyyyMMddHHmm", System.Globalization.CultureInfo.InvariantCulture);
        await Outbox.AddAsync([ticker], now, CancellationToken.None);
        Assert.True((await OutboxTable.GetEntityIfExistsAsync<TableEntity>(minute, ticker)).HasValue);

        // Removed behind the process's back: the process still counts it as written for this minute.
        await OutboxTable.DeleteEntityAsync(minute, ticker);
        await Outbox.AddAsync([ticker], now, CancellationToken.None);

        Assert.False((await OutboxTable.GetEntityIfExistsAsync<TableEntity>(minute, ticker)).HasValue);
    }
}
