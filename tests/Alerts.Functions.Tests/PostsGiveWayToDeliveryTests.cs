using System.Diagnostics;
using Alerts.Core.Diagnostics;
using Alerts.Core.Ingest;
using Alerts.Testing;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;

namespace Alerts.Functions.Tests;

/// <summary>
/// A post waits while the alert queue (the Storage queue on Azurite) is behind, is stored after the longest hold, and is
/// stored at once again when delivery has caught up. Nothing drains the queue here but the test, so it can hold a message
/// back. Each post's spans are told apart by its own trace.
/// </summary>
public sealed class PostsGiveWayToDeliveryTests : IAsyncLifetime, IDisposable
{
    private const int MaxHoldSeconds = 2;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private readonly AlertsApp _app = AlertsApp.With(new Dictionary<string, string?>
    {
        ["Ingest:MaxQueueWaitSeconds"] = "1",
        ["Ingest:MaxHoldSeconds"] = MaxHoldSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
    });

    private readonly SpanRecorder _spans = new(AlertsTelemetry.Name);

    public Task InitializeAsync() => _app.InitializeAsync();

    public Task DisposeAsync() => _app.DisposeAsync();

    public void Dispose() => _spans.Dispose();

    /// <summary>Posts <paramref name="body"/> under a trace of its own; returns the answer and the post's ingest span.</summary>
    private async Task<(AlertsApp.Response Response, Activity Ingest)> PostAsync(string body, string query = "")
    {
        using var caller = SpanRecorder.StartCaller();
        var response = await _app.PostRatingsAsync(body, query: query);
        var ingest = _spans.In(caller.TraceId).Single(s => s.OperationName == AlertsTelemetry.Spans.Ingest);
        return (response, ingest);
    }

    private static double? HeldMs(Activity ingest) => ingest.GetTagItem("alerts.ingest.held_ms") is double held ? held : null;

    [Fact]
    public async Task APost_WaitsWhileTheQueueIsBehind_IsStoredAfterTheLongestHold_AndAtOnceOnceDeliveryCaughtUp()
    {
        var ticker = TestData.Ticker();
        var email = TestData.Email();
        await _app.SubscribeAndConfirmAsync(email, $"[\"{ticker}\"]");
        var backpressure = _app.Services.GetRequiredService<QueueBackpressure>();

        // Its alert is queued, and nobody takes it.
        var (first, firstIngest) = await PostAsync(TestData.Change(ticker, toTarget: 18));
        Assert.Equal(StatusCodes.Status202Accepted, first.Status);
        Assert.Null(HeldMs(firstIngest));
        await Eventually.UntilAsync(
            async () => (await backpressure.BacklogAsync(CancellationToken.None)).Behind > TimeSpan.FromSeconds(1),
            Timeout,
            "the queued alert had waited more than a second");

        // Behind: the next post waits the whole hold (nobody catches up), then is stored all the same.
        var (held, heldIngest) = await PostAsync(TestData.Change(ticker, toTarget: 20));
        Assert.Equal(StatusCodes.Status202Accepted, held.Status);
        Assert.Equal(1, held.Json().GetProperty("accepted").GetInt32());
        Assert.InRange(HeldMs(heldIngest) ?? 0, MaxHoldSeconds * 1000, double.MaxValue);
        var history = await _app.GetRatingsAsync($"?ticker={ticker}");
        Assert.Equal(2, history.Json().GetProperty("changes").GetArrayLength());

        // A dry run stores nothing, so it never waits.
        var (dryRun, dryRunIngest) = await PostAsync(TestData.Change(ticker, toTarget: 22), query: "?dryRun=true");
        Assert.Equal(StatusCodes.Status202Accepted, dryRun.Status);
        Assert.Null(HeldMs(dryRunIngest));

        // Delivery catches up: both alerts sent, and the next post is stored at once.
        await _app.Dispatch.RunAsync(new TimerInfo(), CancellationToken.None);
        Assert.Equal(2, _app.AlertEmails(email).Count);
        await Eventually.UntilAsync(
            async () => (await backpressure.BacklogAsync(CancellationToken.None)).Behind == TimeSpan.Zero,
            Timeout,
            "the queue read as caught up");
        var (after, afterIngest) = await PostAsync(TestData.Change(ticker, toTarget: 24));
        Assert.Equal(StatusCodes.Status202Accepted, after.Status);
        Assert.Null(HeldMs(afterIngest));
    }
}

/// <summary>
/// With the age limit off, the count of alerts waiting alone holds posts: the alerts the app queued on the Storage queue
/// (Azurite) count until a peek shows them taken. Nothing drains the queue here but the test.
/// </summary>
public sealed class PostsGiveWayToTheAlertsWaitingTests : IAsyncLifetime, IDisposable
{
    private const int MaxHoldSeconds = 2;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private readonly AlertsApp _app = AlertsApp.With(new Dictionary<string, string?>
    {
        ["Ingest:MaxQueueWaitSeconds"] = "0",
        ["Ingest:MaxAlertsWaiting"] = "2",
        ["Ingest:MaxHoldSeconds"] = MaxHoldSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
    });

    private readonly SpanRecorder _spans = new(AlertsTelemetry.Name);

    public Task InitializeAsync() => _app.InitializeAsync();

    public Task DisposeAsync() => _app.DisposeAsync();

    public void Dispose() => _spans.Dispose();

    private async Task<double?> PostAndReadHeldMsAsync(string body)
    {
        using var caller = SpanRecorder.StartCaller();
        var response = await _app.PostRatingsAsync(body);
        Assert.Equal(StatusCodes.Status202Accepted, response.Status);
        var ingest = _spans.In(caller.TraceId).Single(s => s.OperationName == AlertsTelemetry.Spans.Ingest);
        return ingest.GetTagItem("alerts.ingest.held_ms") is double held ? held : null;
    }

    [Fact]
    public async Task MoreAlertsQueuedThanTheLimit_HoldPosts_TillDeliveryTakesThem()
    {
        var ticker = TestData.Ticker();
        var emails = Enumerable.Range(0, 3).Select(_ => TestData.Email()).ToList();
        foreach (var email in emails)
        {
            await _app.SubscribeAndConfirmAsync(email, $"[\"{ticker}\"]");
        }

        var backpressure = _app.Services.GetRequiredService<QueueBackpressure>();

        // Three alerts queued, just now (nothing old): over the limit of 2.
        Assert.Null(await PostAndReadHeldMsAsync(TestData.Change(ticker, toTarget: 18)));
        await Eventually.UntilAsync(
            async () => (await backpressure.BacklogAsync(CancellationToken.None)).Alerts == 3,
            Timeout,
            "the three queued alerts were counted");

        Assert.InRange(await PostAndReadHeldMsAsync(TestData.Change(ticker, toTarget: 20)) ?? 0, MaxHoldSeconds * 1000, double.MaxValue);

        // Delivery takes all six; the count drops to nothing and the next post goes straight in.
        await _app.Dispatch.RunAsync(new TimerInfo(), CancellationToken.None);
        Assert.All(emails, email => Assert.Equal(2, _app.AlertEmails(email).Count));
        await Eventually.UntilAsync(
            async () => (await backpressure.BacklogAsync(CancellationToken.None)).Alerts == 0,
            Timeout,
            "the count dropped once the queue was empty");
        Assert.Null(await PostAndReadHeldMsAsync(TestData.Change(ticker, toTarget: 22)));
    }
}
