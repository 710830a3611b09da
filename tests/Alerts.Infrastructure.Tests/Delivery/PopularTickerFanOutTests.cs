using System.Diagnostics;
using System.Text.Json;
using Alerts.Core;
using Alerts.Core.Context;
using Alerts.Core.Delivery;
using Alerts.Core.Digests;
using Alerts.Core.Matching;
using Alerts.Core.Security;
using Alerts.Core.Subscriptions;
using Alerts.Infrastructure.Email;
using Alerts.Infrastructure.Queues;
using Alerts.Infrastructure.Storage;
using Alerts.Infrastructure.Tests.TestSupport;
using Alerts.Testing;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using SendGrid;
using Xunit.Abstractions;

namespace Alerts.Infrastructure.Tests.Delivery;

/// <summary>
/// One change on a ticker with many subscribers, through the real parts: the ticker's index in Table Storage (Azurite),
/// AlertFanOut, the Storage queue, the dispatcher with the sent log and suppression list in Table Storage, and SendGrid's
/// client against a local stand-in that records every /v3/mail/send request. It counts queue messages and SendGrid
/// requests, and checks that each subscriber got exactly one personalization with its own links, even when the alerts
/// are enqueued and dispatched a second time. Speed is printed, never asserted. It runs 3,000 subscribers in the test
/// run; set ALERTS_FANOUT_SUBSCRIBERS (e.g. 100000) to measure more.
/// </summary>
public sealed class PopularTickerFanOutTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly int Subscribers = int.TryParse(Environment.GetEnvironmentVariable("ALERTS_FANOUT_SUBSCRIBERS"), out var n) && n > 0 ? n : 3_000;

    private AzuriteServer _azurite = null!;
    private CaptureServer _sendGrid = null!;
    private readonly HttpClient _http = new();

    public async Task InitializeAsync()
    {
        // An Azurite of its own: the dispatcher drains the whole alerts queue, which other tests' messages must not share.
        _azurite = await AzuriteServer.StartAsync();
        _sendGrid = await CaptureServer.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _sendGrid.DisposeAsync();
        await _azurite.DisposeAsync();
        _http.Dispose();
    }

    [Fact]
    public async Task OneChange_ManySubscribers_GoesOutInThousandRecipientRequests_ExactlyOncePerSubscriber()
    {
        var time = TimeProvider.System;
        var delivery = Options.Create(new DeliveryOptions { ReceiveBatchSize = 32 });
        var storage = new StorageBootstrapper(new TableServiceClient(_azurite.ConnectionString), new QueueServiceClient(_azurite.ConnectionString));
        var queue = new StorageQueueAlertQueue(new QueueServiceClient(_azurite.ConnectionString), storage, delivery);
        var fanOut = new AlertFanOut(new TableSubscriptionStore(storage), queue, new DispatchSignal(), delivery, time);
        var sentLog = new TableSentAlertLog(storage, delivery);
        var held = new TableHeldAlertStore(storage);
        var links = new Links(Options.Create(new AlertsOptions { PublicBaseUrl = "https://alerts.example.com/", SigningKeys = "fan-out-test-key" }), new LinkTokens(["fan-out-test-key"], time));
        var dispatcher = new AlertDispatcher(
            queue,
            new SendGridEmailSender(new SendGridClient(_http, new SendGridClientOptions { ApiKey = "SG.test", Host = _sendGrid.BaseUrl })),
            sentLog,
            new TableSuppressionList(storage, time),
            new AlertEmailComposer(links, Options.Create(new EmailOptions { From = "alerts@example.com", FromName = "Alerts" })),
            new StreetContextReader(new TableRatingChangeStore(storage), time, NullLogger<StreetContextReader>.Instance),
            new DeliveryRouter(held, held, sentLog, time),
            delivery,
            time,
            NullLogger<AlertDispatcher>.Instance);

        var ticker = TestData.UniqueTicker();
        var seeding = Stopwatch.StartNew();
        await SeedIndexAsync(storage, ticker, Subscribers);
        seeding.Stop();
        var change = TestData.Change(ticker);

        var fanningOut = Stopwatch.StartNew();
        var matched = await fanOut.DispatchAsync(change, CancellationToken.None);
        fanningOut.Stop();
        var messages = (await new QueueServiceClient(_azurite.ConnectionString).GetQueueClient("alerts").GetPropertiesAsync()).Value.ApproximateMessagesCount;

        var dispatching = Stopwatch.StartNew();
        var first = await dispatcher.DrainAsync(TimeSpan.FromMinutes(30), CancellationToken.None);
        dispatching.Stop();
        var requests = _sendGrid.Requests.Count;

        // The same alerts enqueued again (a re-driven change, a redelivered message): nobody is emailed twice.
        await fanOut.DispatchAsync(change, CancellationToken.None);
        var second = await dispatcher.DrainAsync(TimeSpan.FromMinutes(30), CancellationToken.None);

        var perRequest = _sendGrid.Requests.Select(r =>
        {
            using var json = JsonDocument.Parse(r.Body);
            return json.RootElement.GetProperty("personalizations").EnumerateArray()
                .Select(p => (To: p.GetProperty("to")[0].GetProperty("email").GetString()!, Unsubscribe: p.GetProperty("headers").GetProperty("List-Unsubscribe").GetString()!))
                .ToList();
        }).ToList();
        var all = perRequest.SelectMany(p => p).ToList();

        output.WriteLine($"{Subscribers:N0} subscribers of {ticker}: index loaded in {seeding.Elapsed.TotalSeconds:F1} s; " +
            $"fan-out {matched:N0} matched into {messages:N0} queue messages ({queue.MaxRecipientsPerMessage} recipients each at most) in {fanningOut.Elapsed.TotalSeconds:F1} s; " +
            $"dispatch {first.Messages:N0} messages -> {requests:N0} SendGrid requests ({first.Sent:N0} emails) in {dispatching.Elapsed.TotalSeconds:F1} s; " +
            $"again: {second.AlreadySent:N0} already sent, {_sendGrid.Requests.Count - requests} new requests");

        Assert.Equal(Subscribers, matched);
        Assert.Equal(Subscribers, first.Sent);
        Assert.Equal(0, first.Retried + first.DeadLettered + first.Refused);
        Assert.Equal(Subscribers, second.AlreadySent);
        Assert.Equal(requests, _sendGrid.Requests.Count);
        Assert.All(perRequest, p => Assert.InRange(p.Count, 1, EmailBatch.MaxRecipients));
        Assert.Equal(Subscribers, all.Count);
        Assert.Equal(Subscribers, all.Select(p => p.To).Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(Subscribers, all.Select(p => p.Unsubscribe).Distinct(StringComparer.Ordinal).Count());

        // Full 1,000-recipient requests but for the pooled remainder of each receive (32 messages of 250 = 8 requests).
        var receives = (int)Math.Ceiling(messages / 32.0);
        Assert.InRange(requests, (int)Math.Ceiling(Subscribers / 1000.0), (int)Math.Ceiling(Subscribers / 1000.0) + receives);
    }

    /// <summary>Writes the ticker's index rows directly, in 100-row transactions (subscriptions created one by one take minutes).</summary>
    private static async Task SeedIndexAsync(StorageBootstrapper storage, string ticker, int count)
    {
        await storage.EnsureCreatedAsync(CancellationToken.None);
        var index = storage.Table(StorageNames.SubscriberIndexTable);
        await Parallel.ForEachAsync(
            Enumerable.Range(0, count).Chunk(100),
            new ParallelOptions { MaxDegreeOfParallelism = 8 },
            async (chunk, ct) => await index.SubmitTransactionAsync(
                chunk.Select(i => new TableTransactionAction(
                    TableTransactionActionType.UpsertReplace,
                    TableSubscriptionStore.IndexRow(ticker, new Subscription
                    {
                        Id = $"{i:x32}",
                        Email = $"follower{i}@example.com",
                        Tickers = [ticker],
                        Rules = SubscriberRules.Any,
                        Status = SubscriptionStatus.Active,
                        CreatedAt = TestData.Now,
                    }))),
                ct));
    }
}
