using Alerts.Core.Ingest;
using Alerts.Core.Ratings;
using Azure.Data.Tables;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;

namespace Alerts.Functions.Tests;

/// <summary>
/// The fan-out step and what stands behind it: a post stores its changes pending (their outbox records in the same
/// transactions, their tickers noted in the outbox) and queues one message naming them; the <c>FanOut</c> trigger
/// finishes them, once however often it runs; a change whose message was lost is finished by a resend of its post, or by
/// the sweep.
/// </summary>
[Collection(AlertsAppCollection.Name)]
public sealed class FanOutStepTests(AlertsApp app)
{
    private IOutbox Outbox => app.Services.GetRequiredService<IOutbox>();

    private IRatingChangeStore Store => app.Services.GetRequiredService<IRatingChangeStore>();

    private PendingChangeSweep Sweep => app.Services.GetRequiredService<PendingChangeSweep>();

    private TableClient OutboxTable => new TableServiceClient(app.Azurite.ConnectionString).GetTableClient("Outbox");

    private static RatingChange Change(string ticker, DateTimeOffset at) =>
        new RatingChangeNormalizer(FirmDirectory.Default).Normalize(
            new RatingChangeSubmission { Ticker = ticker, Firm = "UBS", FromRating = "Neutral", ToRating = "Buy", FromTarget = 10, ToTarget = 14, PublishedAt = at },
            at);

    private Task<IReadOnlyList<OutboxEntry>> NotesAsync() => Outbox.GetDueAsync(DateTimeOffset.UtcNow.AddMinutes(2), 10_000, CancellationToken.None);

    private async Task<DispatchState?> StateAsync(string ticker, string id) => (await Store.GetAsync(ticker, id, CancellationToken.None))?.State;

    [Fact]
    public async Task Post_OnAFollowedTicker_IsStoredPendingWithOneMessage_WhichTheFanOutFinishes_AndItsWakeUpSends()
    {
        var email = TestData.Email();
        var ticker = TestData.Ticker();
        await app.SubscribeAndConfirmAsync(email, $"[\"{ticker}\"]");
        await app.FanOutAsync();
        await app.WakeDispatcherAsync();

        var response = await app.PostRatingsAsync(TestData.Change(ticker));
        var id = response.Json().GetProperty("changes")[0].GetProperty("id").GetString()!;
        var pendingBefore = await StateAsync(ticker, id);
        var messages = await app.FanOutAsync();

        Assert.Equal(StatusCodes.Status202Accepted, response.Status);
        Assert.Equal(DispatchState.Pending, pendingBefore);
        Assert.Equal(1, messages);
        Assert.Equal(DispatchState.Dispatched, await StateAsync(ticker, id));
        Assert.Empty(await Store.GetPendingAsync(ticker, DateTimeOffset.UtcNow.AddYears(1), 100, CancellationToken.None));
        Assert.Empty(app.AlertEmails(email));
        Assert.Equal(1, await app.WakeDispatcherAsync());
        Assert.Single(app.AlertEmails(email));
    }

    [Fact]
    public async Task FanOut_TheSameMessageTwice_SecondFindsItDispatched_AndOneEmailGoesOut()
    {
        var email = TestData.Email();
        var ticker = TestData.Ticker();
        await app.SubscribeAndConfirmAsync(email, $"[\"{ticker}\"]");
        var change = Change(ticker, DateTimeOffset.UtcNow);
        await Store.AddAsync([change], CancellationToken.None);
        var message = Assert.Single(ChangesStored.For([change])).ToJson();

        await app.FanOut.RunAsync(message, CancellationToken.None);
        var again = await app.Services.GetRequiredService<FanOutHandler>().HandleAsync(ChangesStored.Parse(message), CancellationToken.None);
        await app.Dispatch.RunAsync(new TimerInfo(), CancellationToken.None);

        Assert.Equal(new PendingDispatchResult(0, 0, 0), again);
        Assert.Equal(DispatchState.Dispatched, await StateAsync(ticker, change.Id));
        Assert.Single(app.AlertEmails(email));
    }

    [Fact]
    public async Task FanOut_AMessageNamingNothingStored_DoesNothing()
    {
        var result = await app.Services.GetRequiredService<FanOutHandler>().HandleAsync(
            new ChangesStored([new StoredChange(TestData.Ticker(), "no-such-change")]), CancellationToken.None);

        Assert.Equal(new PendingDispatchResult(0, 0, 0), result);
    }

    [Fact]
    public async Task ResentPost_WhoseFirstMessageWasLost_IsFannedOutByTheResend()
    {
        var email = TestData.Email();
        var ticker = TestData.Ticker();
        await app.SubscribeAndConfirmAsync(email, $"[\"{ticker}\"]");
        await app.FanOutAsync();
        var body = TestData.Change(ticker);

        // The first post stored its change, and its process died before the message was queued.
        var first = await app.PostRatingsAsync(body);
        var id = first.Json().GetProperty("changes")[0].GetProperty("id").GetString()!;
        var queue = new Azure.Storage.Queues.QueueClient(app.Azurite.ConnectionString, ChangesStored.QueueName);
        await queue.ClearMessagesAsync();
        var resent = await app.PostRatingsAsync(body);
        await app.Dispatch.RunAsync(new TimerInfo(), CancellationToken.None);

        Assert.Equal(1, resent.Json().GetProperty("duplicates").GetInt32());
        Assert.Equal(DispatchState.Dispatched, await StateAsync(ticker, id));
        Assert.Single(app.AlertEmails(email));
    }

    [Fact]
    public async Task ChangeStoredButNotDispatched_IsFannedOutByTheSweep_AndOnlyOnce()
    {
        var email = TestData.Email();
        var ticker = TestData.Ticker();
        await app.SubscribeAndConfirmAsync(email, $"[\"{ticker}\"]");
        var at = DateTimeOffset.UtcNow.AddMinutes(-4);
        var change = Change(ticker, at);

        // The crash: ticker noted, change stored pending, and the process died before its message was queued.
        await Outbox.AddAsync([ticker], at, CancellationToken.None);
        await Store.AddAsync([change], CancellationToken.None);

        var first = await Sweep.SweepAsync(CancellationToken.None);
        await app.Dispatch.RunAsync(new TimerInfo(), CancellationToken.None);
        var second = await Sweep.SweepAsync(CancellationToken.None);
        await app.Dispatch.RunAsync(new TimerInfo(), CancellationToken.None);

        Assert.True(first.Dispatched >= 1);
        Assert.Equal(DispatchState.Dispatched, await StateAsync(ticker, change.Id));
        Assert.Empty(await Store.GetPendingAsync(ticker, DateTimeOffset.UtcNow.AddYears(1), 100, CancellationToken.None));
        Assert.DoesNotContain(await NotesAsync(), e => e.Ticker == ticker);
        Assert.Equal(0, second.Dispatched);
        var alert = Assert.Single(app.AlertEmails(email));
        Assert.StartsWith($"UBS upgrades {ticker}", alert.Subject, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sweep_NoteWithNothingPending_IsRemoved()
    {
        var ticker = TestData.Ticker();
        await Outbox.AddAsync([ticker], DateTimeOffset.UtcNow.AddMinutes(-5), CancellationToken.None);

        var summary = await Sweep.SweepAsync(CancellationToken.None);

        Assert.True(summary.Cleared >= 1);
        Assert.DoesNotContain(await NotesAsync(), e => e.Ticker == ticker);
    }

    [Fact]
    public async Task Sweep_YoungChange_IsLeftToItsMessage_AndItsNoteKept()
    {
        var ticker = TestData.Ticker();
        var noted = DateTimeOffset.UtcNow.AddMinutes(-1.5);
        var change = Change(ticker, DateTimeOffset.UtcNow);
        await Outbox.AddAsync([ticker], noted, CancellationToken.None);
        await Store.AddAsync([change], CancellationToken.None);

        await Sweep.SweepAsync(CancellationToken.None);

        Assert.Equal(DispatchState.Pending, await StateAsync(ticker, change.Id));
        Assert.Contains(await NotesAsync(), e => e.Ticker == ticker);
        await Store.MarkAsync(change, DispatchState.Dispatched, CancellationToken.None);
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
