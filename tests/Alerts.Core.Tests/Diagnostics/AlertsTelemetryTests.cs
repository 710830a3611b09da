using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Alerts.Core.Delivery;
using Alerts.Core.Diagnostics;
using Alerts.Core.Matching;
using Alerts.Core.Tests.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Alerts.Core.Tests.Diagnostics;

/// <summary>
/// The spans and counters of delivery, through a listener on the Alerts source and meter (as OpenTelemetry listens).
/// Both are process-wide: each test picks its own spans by trace id and its own measurements by a category of its own.
/// </summary>
public sealed class AlertsTelemetryTests : IDisposable
{
    private readonly ConcurrentQueue<Activity> _spans = new();
    private readonly ConcurrentQueue<(string Instrument, long Value, Dictionary<string, object?> Tags)> _counted = new();
    private readonly ActivityListener _activities;
    private readonly MeterListener _meters = new();
    private readonly string _category = "test-" + Guid.NewGuid().ToString("N");

    public AlertsTelemetryTests()
    {
        _activities = new ActivityListener
        {
            ShouldListenTo = source => source.Name == AlertsTelemetry.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = _spans.Enqueue,
        };
        ActivitySource.AddActivityListener(_activities);
        _meters.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == AlertsTelemetry.Name)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _meters.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            var all = new Dictionary<string, object?>();
            foreach (var tag in tags)
            {
                all[tag.Key] = tag.Value;
            }

            _counted.Enqueue((instrument.Name, value, all));
        });
        _meters.Start();
    }

    public void Dispose()
    {
        _activities.Dispose();
        _meters.Dispose();
    }

    public static TheoryData<EmailSendResult, string, string?> Outcomes => new()
    {
        { EmailSendResult.Accepted, "alerts.emails.sent", null },
        { EmailSendResult.Transient("SendGrid answered 429"), "alerts.emails.failed", "transient" },
        { EmailSendResult.Permanent("SendGrid answered 400"), "alerts.emails.failed", "permanent" },
    };

    [Theory]
    [MemberData(nameof(Outcomes))]
    public async Task TracedEmailSender_EachOutcome_IsCountedAndOnItsSpan(EmailSendResult outcome, string counter, string? failure)
    {
        var carrier = new ScriptedEmailSender().Answer("ana@example.com", outcome);
        using var caller = Caller();

        var result = await new TracedEmailSender(carrier).SendAsync(Email("ana@example.com"), CancellationToken.None);

        Assert.Same(outcome, result);
        var counted = Assert.Single(Counted());
        Assert.Equal((counter, 1L, failure), (counted.Instrument, counted.Value, (string?)counted.Tags.GetValueOrDefault(AlertsTelemetry.FailureTag)));
        var span = Assert.Single(SpansOf(caller));
        Assert.Equal((AlertsTelemetry.Spans.SendEmail, ActivityKind.Client, caller.SpanId), (span.DisplayName, span.Kind, span.ParentSpanId));
        Assert.Equal(failure is null ? ActivityStatusCode.Unset : ActivityStatusCode.Error, span.Status);
        Assert.Equal(outcome.Reason, span.StatusDescription);
    }

    [Theory]
    [InlineData(3, EmailSendStatus.Accepted, "alerts.emails.sent", 3L)]
    [InlineData(3, EmailSendStatus.Transient, "alerts.emails.failed", 3L)]
    [InlineData(1, EmailSendStatus.Permanent, "alerts.emails.failed", 1L)]
    public async Task TracedEmailSender_Batch_CountsEachOfItsEmails(int recipients, EmailSendStatus status, string counter, long count)
    {
        var outcome = new EmailSendResult(status, status == EmailSendStatus.Accepted ? null : "SendGrid answered");
        var carrier = new ScriptedEmailSender().Answer("user0@example.com", outcome);
        using var caller = Caller();

        await new TracedEmailSender(carrier).SendBatchAsync(Batch(recipients), CancellationToken.None);

        var counted = Assert.Single(Counted());
        Assert.Equal((counter, count), (counted.Instrument, counted.Value));
        Assert.Equal(recipients, Assert.Single(SpansOf(caller)).GetTagItem("alerts.recipients"));
    }

    [Fact]
    public void ExtractorNewsTextReader_UnlistedCompanyInAFeedItem_IsCountedUnresolvedUnderTheFeed()
    {
        var feed = "rss-" + Guid.NewGuid().ToString("N");
        var reader = new Alerts.Core.Extraction.ExtractorNewsTextReader(Alerts.Core.Extraction.NewsTextExtractor.Default);

        var changes = reader.Read(
            "Banca Mediolanum initiated with a Buy at Jefferies. Cipher Mining (CIFR) upgraded to Overweight from Neutral at JPMorgan.",
            publishedAt: null,
            url: null,
            feed);

        Assert.Equal("CIFR", Assert.Single(changes).Ticker);
        var counted = Assert.Single(_counted, c => Equals(c.Tags.GetValueOrDefault(AlertsTelemetry.OriginTag), AlertsTelemetry.FeedOrigin(feed)));
        Assert.Equal(("alerts.text.unresolved", 1L, "ticker"), (counted.Instrument, counted.Value, (string?)counted.Tags["alerts.missing"]));
    }

    [Fact]
    public async Task TracedEmailSender_BatchOfSeveralRefused_IsNotCountedYet_ItsSplitSendsAre()
    {
        var carrier = new ScriptedEmailSender().Answer("user0@example.com", EmailSendResult.Permanent("SendGrid answered 400"));
        using var caller = Caller();

        await new TracedEmailSender(carrier).SendBatchAsync(Batch(3), CancellationToken.None);

        Assert.Empty(Counted());
        var span = Assert.Single(SpansOf(caller));
        Assert.Equal((true, ActivityStatusCode.Error), (span.GetTagItem("alerts.batch.split"), span.Status));
    }

    [Fact]
    public async Task TracedEmailSender_CarrierThrows_CountsATransientFailureAndThrowsOn()
    {
        var carrier = new ScriptedEmailSender().Throw("ana@example.com", new HttpRequestException("connection refused"));

        await Assert.ThrowsAsync<HttpRequestException>(() => new TracedEmailSender(carrier).SendAsync(Email("ana@example.com"), CancellationToken.None));

        var counted = Assert.Single(Counted());
        Assert.Equal(("alerts.emails.failed", "transient"), (counted.Instrument, (string?)counted.Tags[AlertsTelemetry.FailureTag]));
    }

    [Fact]
    public async Task Dispatch_MessageCarryingATraceContext_IsItsChildAndLinksTheReceivingRun()
    {
        var enqueued = new ActivityContext(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded, isRemote: true);
        using var receiving = Caller();

        await Dispatcher().HandleAsync(Message(enqueued), CancellationToken.None);

        var dispatch = Assert.Single(_spans, s => s.TraceId == enqueued.TraceId && s.DisplayName == AlertsTelemetry.Spans.Dispatch);
        Assert.Equal((ActivityKind.Consumer, enqueued.SpanId), (dispatch.Kind, dispatch.ParentSpanId));
        Assert.Equal(receiving.Context, Assert.Single(dispatch.Links).Context);
        Assert.Empty(SpansOf(receiving));
    }

    [Fact]
    public async Task Dispatch_MessageCarryingTwoChanges_ContinuesEachChangesOwnTrace_LinkedToTheEnqueue()
    {
        static ActivityContext Remote() => new(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded, isRemote: true);
        var (enqueued, cifrMatch, nvdaMatch) = (Remote(), Remote(), Remote());
        AlertsMatched Part(Alerts.Core.Ratings.RatingChange change, ActivityContext trace) =>
            new("part-" + change.Id, change, [new AlertRecipient(AlertIds.For(change.Id, "sub-0"), "sub-0", "user0@example.com")], TestChanges.Now) { Trace = trace };
        var message = new ReceivedAlerts(
            "msg-packed",
            [Part(TestChanges.CifrUpgrade(), cifrMatch), Part(TestChanges.CifrUpgrade() with { Id = "change-nvda-1", Ticker = "NVDA" }, nvdaMatch)],
            1,
            new object(),
            enqueued);
        using var receiving = Caller();

        await Dispatcher().HandleAsync(message, CancellationToken.None);

        foreach (var match in new[] { cifrMatch, nvdaMatch })
        {
            var dispatch = Assert.Single(_spans, s => s.TraceId == match.TraceId && s.DisplayName == AlertsTelemetry.Spans.Dispatch);
            Assert.Equal(match.SpanId, dispatch.ParentSpanId);
            Assert.Equal([enqueued, receiving.Context], dispatch.Links.Select(l => l.Context));
            Assert.Equal(1, dispatch.GetTagItem("alerts.recipients")); // its own recipient, not the message's two
        }
    }

    [Fact]
    public async Task Dispatch_MessageWithoutTraceContext_RunsUnderTheReceivingRun()
    {
        using var receiving = Caller();

        await Dispatcher().HandleAsync(Message(default), CancellationToken.None);

        var dispatch = Assert.Single(SpansOf(receiving));
        Assert.Equal((AlertsTelemetry.Spans.Dispatch, receiving.SpanId), (dispatch.DisplayName, dispatch.ParentSpanId));
        Assert.Empty(dispatch.Links);
    }

    [Theory]
    [InlineData("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", "vendor=abc")]
    [InlineData("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00", null)]
    public void TraceParent_RoundTripsThroughParentFrom(string traceParent, string? traceState)
    {
        var parent = AlertsTelemetry.ParentFrom(traceParent, traceState);

        Assert.True(parent.IsRemote);
        Assert.Equal(traceState, parent.TraceState);
        Assert.Equal(traceParent, AlertsTelemetry.TraceParent(parent));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("not-a-traceparent")]
    [InlineData("00-00000000000000000000000000000000-b7ad6b7169203331-01")]
    public void ParentFrom_MissingOrMalformed_IsNoParent(string? traceParent)
    {
        Assert.Equal(default, AlertsTelemetry.ParentFrom(traceParent, null));
        Assert.Null(AlertsTelemetry.TraceParent(default));
    }

    private static Activity Caller()
    {
        var caller = new Activity("caller");
        caller.SetIdFormat(ActivityIdFormat.W3C);
        return caller.Start();
    }

    private List<Activity> SpansOf(Activity caller) => _spans.Where(s => s.TraceId == caller.TraceId).ToList();

    private List<(string Instrument, long Value, Dictionary<string, object?> Tags)> Counted() =>
        _counted.Where(c => Equals(c.Tags.GetValueOrDefault(AlertsTelemetry.CategoryTag), _category)).ToList();

    private EmailMessage Email(string to) => new()
    {
        FromAddress = "alerts@example.com",
        FromName = "Alerts",
        To = to,
        Subject = "s",
        HtmlBody = "<p>h</p>",
        TextBody = "t",
        Category = _category,
        Reference = "ref-1",
    };

    private EmailBatch Batch(int recipients) => new()
    {
        FromAddress = "alerts@example.com",
        FromName = "Alerts",
        Subject = "s",
        HtmlBody = "<p>h</p>",
        TextBody = "t",
        Category = _category,
        Recipients = Enumerable.Range(0, recipients)
            .Select(i => new EmailPersonalization($"user{i}@example.com", $"ref-{i}", new Dictionary<string, string>(), new Dictionary<string, string>())).ToList(),
    };

    private static ReceivedAlerts Message(ActivityContext parent)
    {
        var recipient = new AlertRecipient(AlertIds.For("change-cifr-1", "sub-0"), "sub-0", "user0@example.com");
        return new ReceivedAlerts("msg-1", [new AlertsMatched("msg-1", TestChanges.CifrUpgrade(), [recipient], TestChanges.Now)], 1, new object(), parent);
    }

    private static AlertDispatcher Dispatcher()
    {
        var time = new FakeTimeProvider(TestChanges.Now.AddSeconds(30));
        return new AlertDispatcher(
            new InMemoryAlertQueue(),
            new ScriptedEmailSender(),
            new InMemorySentAlertLog(),
            new InMemorySuppressionList(),
            new AlertEmailComposer(TestLinks.Create(time), TestLinks.Email()),
            new Alerts.Core.Context.StreetContextReader(new InMemoryRatingHistory(), time, NullLogger<Alerts.Core.Context.StreetContextReader>.Instance),
            new Alerts.Core.Digests.DeliveryRouter(new InMemoryHeldAlertStore(), new InMemoryHeldAlertStore(), new InMemorySentAlertLog(), time),
            new DispatchSignal(),
            Options.Create(new DeliveryOptions()),
            time,
            NullLogger<AlertDispatcher>.Instance);
    }
}
