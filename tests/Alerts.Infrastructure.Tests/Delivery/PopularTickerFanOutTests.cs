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
/// client against a local stand-in that records every /v3/mail/send request. It counts SendGrid requests and the sent
/// log's storage requests, and checks that each subscriber got exactly one personalization with its own links, even when
/// the change is fanned out and dispatched a second time. It prints one line, the time from the fan-out to the last request
/// and the floor measured in the same run (reading the index and handing as many requests to the stand-in); times are
/// printed, never asserted. It runs 3,000 subscribers in the test run; set ALERTS_FANOUT_SUBSCRIBERS (e.g. 100000) to
/// measure more.
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

        // The sent log on a client of its own, whose every request (read or write) is counted.
        var counting = new CountingPolicy();
        var logOptions = new TableClientOptions();
        logOptions.AddPolicy(counting, Azure.Core.HttpPipelinePosition.PerRetry);
        var logStorage = new StorageBootstrapper(new TableServiceClient(_azurite.ConnectionString, logOptions), queues: null);
        var sentLog = new TableSentAlertLog(logStorage, delivery);
        var held = new TableHeldAlertStore(storage);
        var links = new Links(Options.Create(new AlertsOptions { PublicBaseUrl = "https://alerts.example.com/", SigningKeys = "fan-out-test-key" }), new LinkTokens(["fan-out-test-key"], time));
        var sender = new SendGridEmailSender(new SendGridClient(_http, new SendGridClientOptions { ApiKey = "SG.test", Host = _sendGrid.BaseUrl }));
        var composer = new AlertEmailComposer(links, Options.Create(new EmailOptions { From = "alerts@example.com", FromName = "Alerts" }));
        var dispatcher = new AlertDispatcher(
            queue,
            sender,
            sentLog,
            new TableSuppressionList(storage, time),
            composer,
            new StreetContextReader(new TableRatingChangeStore(storage), time, NullLogger<StreetContextReader>.Instance),
            new DeliveryRouter(held, held, sentLog, time),
            new DispatchSignal(),
            delivery,
            time,
            NullLogger<AlertDispatcher>.Instance);

        var ticker = TestData.UniqueTicker();
        await SeedIndexAsync(storage, ticker, Subscribers);
        await logStorage.EnsureCreatedAsync(CancellationToken.None);
        var change = TestData.Change(ticker);

        // The change fanned out, then the alert queue drained (one after the other, so each drain pools 32 full messages).
        counting.Count = 0;
        var started = DateTimeOffset.UtcNow;
        var (matched, first) = await FanOutAndDrainAsync(fanOut, dispatcher, change);
        var transactions = counting.Count;
        var requests = _sendGrid.Requests.ToList();
        var wall = requests.Max(r => r.ReceivedAt) - started;

        // The same alerts enqueued again (a fan-out redone, a redelivered message): nobody is emailed twice.
        var (_, second) = await FanOutAndDrainAsync(fanOut, dispatcher, change);
        var again = _sendGrid.Requests.Count - requests.Count;

        // The floor, in the same run: read the ticker's index and hand as many requests to the same stand-in.
        var floor = await FloorAsync(new TableSubscriptionStore(storage), composer, sender, change, requests.Count);

        output.WriteLine(string.Create(
            System.Globalization.CultureInfo.InvariantCulture,
            $"fan-out: {Subscribers} followers, {requests.Count} SendGrid requests, {transactions} storage transactions, {wall.TotalSeconds:F1} s, floor {floor.TotalSeconds:F1} s"));

        var perRequest = requests.Select(r =>
        {
            using var json = JsonDocument.Parse(r.Body);
            return json.RootElement.GetProperty("personalizations").EnumerateArray()
                .Select(p => (To: p.GetProperty("to")[0].GetProperty("email").GetString()!, Unsubscribe: p.GetProperty("headers").GetProperty("List-Unsubscribe").GetString()!))
                .ToList();
        }).ToList();
        var all = perRequest.SelectMany(p => p).ToList();

        Assert.Equal(Subscribers, matched);
        Assert.Equal(Subscribers, first.Sent);
        Assert.Equal(0, first.Retried + first.DeadLettered + first.Refused);
        Assert.Equal(Subscribers, second.AlreadySent);
        Assert.Equal(0, again);
        Assert.All(perRequest, p => Assert.InRange(p.Count, 1, EmailBatch.MaxRecipients));
        Assert.Equal(Subscribers, all.Count);
        Assert.Equal(Subscribers, all.Select(p => p.To).Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(Subscribers, all.Select(p => p.Unsubscribe).Distinct(StringComparer.Ordinal).Count());

        // The bounds, scaled: a request per 1,000 followers (and one more per drain that pools a remainder), and
        // at most 3 storage transactions of the sent log per 1,000 followers (300 for 100,000), reads included.
        Assert.InRange(requests.Count, (int)Math.Ceiling(Subscribers / 1000.0), (int)Math.Ceiling(Subscribers / 1000.0 * 1.05) + 1);
        Assert.InRange(transactions, 1, Math.Max(12, 3 * Subscribers / 1000));

        // Who was sent the change, from the sent log, for all of them and for some who do not follow the ticker.
        var asked = Enumerable.Range(0, Subscribers).Select(SubscriptionIdOf).Concat(["not-a-follower-1", "not-a-follower-2"]).ToList();
        var sent = await sentLog.WhoWasSentAsync(change.Id, asked, CancellationToken.None);
        Assert.Equal(Subscribers, sent.Count);
        Assert.DoesNotContain("not-a-follower-1", sent);
    }

    /// <summary>Fans the change out, then drains the alert queue.</summary>
    private static async Task<(int Matched, DispatchSummary Summary)> FanOutAndDrainAsync(AlertFanOut fanOut, AlertDispatcher dispatcher, Alerts.Core.Ratings.RatingChange change)
    {
        var matched = await fanOut.DispatchAsync(change, CancellationToken.None);
        return (matched, await dispatcher.DrainAsync(TimeSpan.FromMinutes(30), CancellationToken.None));
    }

    /// <summary>The unavoidable work: read the ticker's index, then compose and hand <paramref name="requests"/> requests of its followers to the stand-in.</summary>
    private static async Task<TimeSpan> FloorAsync(TableSubscriptionStore index, AlertEmailComposer composer, SendGridEmailSender sender, Alerts.Core.Ratings.RatingChange change, int requests)
    {
        var watch = Stopwatch.StartNew();
        var recipients = new List<AlertRecipient>();
        await foreach (var page in index.GetPagesAsync(change.Ticker, CancellationToken.None))
        {
            for (var row = 0; row < page.Count; row++)
            {
                recipients.Add(new AlertRecipient(AlertIds.For(change.Id, page.SubscriptionId(row)), page.SubscriptionId(row), page.Email(row)));
            }
        }

        var perRequest = (int)Math.Ceiling(recipients.Count / (double)requests);
        foreach (var batch in recipients.Chunk(perRequest))
        {
            var result = await sender.SendBatchAsync(composer.ComposeBatch(change, batch), CancellationToken.None);
            Assert.Equal(EmailSendStatus.Accepted, result.Status);
        }

        return watch.Elapsed;
    }

    /// <summary>Subscription ids as the service makes them: 32 hex characters, spread evenly (here derived from the follower's number).</summary>
    private static string SubscriptionIdOf(int follower) => Ids.Digest("follower|" + follower.ToString(System.Globalization.CultureInfo.InvariantCulture), 32);

    /// <summary>Counts every request that goes through it.</summary>
    private sealed class CountingPolicy : Azure.Core.Pipeline.HttpPipelinePolicy
    {
        private int _count;

        public int Count
        {
            get => Volatile.Read(ref _count);
            set => Volatile.Write(ref _count, value);
        }

        public override void Process(Azure.Core.HttpMessage message, ReadOnlyMemory<Azure.Core.Pipeline.HttpPipelinePolicy> pipeline)
        {
            Interlocked.Increment(ref _count);
            ProcessNext(message, pipeline);
        }

        public override ValueTask ProcessAsync(Azure.Core.HttpMessage message, ReadOnlyMemory<Azure.Core.Pipeline.HttpPipelinePolicy> pipeline)
        {
            Interlocked.Increment(ref _count);
            return ProcessNextAsync(message, pipeline);
        }
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
                        Id = SubscriptionIdOf(i),
                        Email = $"follower{i}@example.com",
                        Tickers = [ticker],
                        Rules = SubscriberRules.Any,
                        Status = SubscriptionStatus.Active,
                        CreatedAt = TestData.Now,
                    }))),
                ct));
    }
}
