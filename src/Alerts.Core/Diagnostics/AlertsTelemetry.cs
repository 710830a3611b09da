using System.Diagnostics;
using System.Diagnostics.Metrics;
using Alerts.Core.Delivery;
using Alerts.Core.Ratings;

namespace Alerts.Core.Diagnostics;

/// <summary>
/// The one home of Alerts' traces and metrics: the <see cref="ActivitySource"/> and <see cref="Meter"/> named
/// <see cref="Name"/>, every span name and instrument, and the W3C trace context a queue message carries. The code
/// being observed calls one of these methods at each point; the hosts choose the exporters (see AddAlerts).
/// </summary>
public static class AlertsTelemetry
{
    /// <summary>The name of the activity source and of the meter.</summary>
    public const string Name = "Alerts";

    public static readonly ActivitySource Source = new(Name);

    public static readonly Meter Meter = new(Name);

    /// <summary>Span names, one per step a change takes.</summary>
    public static class Spans
    {
        public const string Ingest = "ingest";
        public const string Store = "store";
        public const string Match = "match";
        public const string Enqueue = "enqueue";
        public const string Dispatch = "dispatch";
        public const string SendEmail = "send email";
    }

    /// <summary>Changes stored (not duplicates), by <c>alerts.origin</c> (<c>webhook</c> or <c>feed:&lt;name&gt;</c>).</summary>
    public static readonly Counter<long> ChangesIngested = Meter.CreateCounter<long>("alerts.changes.ingested", "{change}", "Rating changes stored");

    /// <summary>Changes that repeated one already stored, by <c>alerts.origin</c>.</summary>
    public static readonly Counter<long> Duplicates = Meter.CreateCounter<long>("alerts.changes.duplicates", "{change}", "Rating changes that repeated one already stored");

    /// <summary>(change, subscriber) pairs matched and queued.</summary>
    public static readonly Counter<long> AlertsMatched = Meter.CreateCounter<long>("alerts.alerts.matched", "{alert}", "Alerts matched and queued");

    /// <summary>Emails the carrier accepted, by <c>alerts.email.category</c> (<c>alert</c>, <c>confirmation</c>).</summary>
    public static readonly Counter<long> EmailsSent = Meter.CreateCounter<long>("alerts.emails.sent", "{email}", "Emails the carrier accepted");

    /// <summary>Emails the carrier did not take, by <c>alerts.email.category</c> and <c>alerts.failure</c> (<c>transient</c>, <c>permanent</c>).</summary>
    public static readonly Counter<long> EmailsFailed = Meter.CreateCounter<long>("alerts.emails.failed", "{email}", "Emails the carrier did not take");

    /// <summary>From the change's receipt to the carrier's acceptance of its alert email.</summary>
    public static readonly Histogram<double> DispatchLatency = Meter.CreateHistogram<double>("alerts.dispatch.latency", "ms", "From a change's receipt to the carrier's acceptance of its alert email");

    /// <summary>
    /// Rating changes read from posted text that could not be completed (no listing known for the company, no firm named),
    /// answered as <c>unresolved</c> and never stored; by <c>alerts.origin</c>, <c>alerts.missing</c> (<c>ticker</c>,
    /// <c>firm</c>, <c>ticker,firm</c>) and <c>alerts.dry_run</c>. What text loses, so that it can be measured.
    /// </summary>
    public static readonly Counter<long> TextUnresolved = Meter.CreateCounter<long>("alerts.text.unresolved", "{change}", "Rating changes read from text that could not be completed; not stored");

    public const string OriginTag = "alerts.origin";
    public const string CategoryTag = "alerts.email.category";
    public const string FailureTag = "alerts.failure";

    /// <summary>The origin of webhook posts; a feed's is <c>feed:&lt;name&gt;</c> (<see cref="FeedOrigin"/>).</summary>
    public const string WebhookOrigin = "webhook";

    public static string FeedOrigin(string feedName) => "feed:" + feedName;

    /// <summary>A post (or a feed's poll) entering: the parent of its store and match spans.</summary>
    public static Activity? StartIngest(string origin, int changes, bool dryRun) =>
        Source.StartActivity(Spans.Ingest)?.SetTag(OriginTag, origin).SetTag("alerts.changes", changes).SetTag("alerts.dry_run", dryRun);

    public static void Ingested(Activity? ingest, string origin, int accepted, int duplicates, bool dryRun)
    {
        ingest?.SetTag("alerts.accepted", accepted).SetTag("alerts.duplicates", duplicates);
        if (!dryRun)
        {
            ChangesIngested.Add(accepted, new KeyValuePair<string, object?>(OriginTag, origin));
            Duplicates.Add(duplicates, new KeyValuePair<string, object?>(OriginTag, origin));
        }
    }

    /// <summary>Counts the changes of a text that could not be completed (see <see cref="TextUnresolved"/>).</summary>
    public static void UnresolvedInText(IReadOnlyList<Extraction.UnresolvedChange> unresolved, string origin, bool dryRun)
    {
        foreach (var change in unresolved)
        {
            TextUnresolved.Add(
                1,
                new KeyValuePair<string, object?>(OriginTag, origin),
                new KeyValuePair<string, object?>("alerts.missing", string.Join(',', change.Missing)),
                new KeyValuePair<string, object?>("alerts.dry_run", dryRun));
        }
    }

    public static Activity? StartStore(int changes) => Source.StartActivity(Spans.Store)?.SetTag("alerts.changes", changes);

    /// <summary>
    /// One change matched against its ticker's subscribers, its alerts queued: a child of <paramref name="parent"/> (the
    /// post's ingest span, when matched in the background after the answer), else of the current span.
    /// </summary>
    public static Activity? StartMatch(RatingChange change, ActivityContext parent = default) =>
        Source.StartActivity(Spans.Match, ActivityKind.Internal, parent)?.SetTag("alerts.change.id", change.Id).SetTag("alerts.ticker", change.Ticker);

    public static void Matched(Activity? match, int alerts)
    {
        match?.SetTag("alerts.matched", alerts);
        AlertsMatched.Add(alerts);
    }

    /// <summary>
    /// Messages handed to the queue (producer): the context the messages carry, so their dispatch continues this trace. A
    /// child of the match of the changes they carry (<see cref="Matching.AlertsMatched.Trace"/>; the first's, linked to the others',
    /// when changes matched apart are enqueued together), else of the current span.
    /// </summary>
    public static Activity? StartEnqueue(string system, string queue, IReadOnlyList<Matching.AlertsMatched> messages)
    {
        var traces = messages.Select(m => m.Trace).Where(t => t != default).Distinct().ToList();
        var activity = traces.Count == 0
            ? Source.StartActivity(Spans.Enqueue, ActivityKind.Producer)
            : Source.StartActivity(Spans.Enqueue, ActivityKind.Producer, traces[0], links: traces.Skip(1).Select(t => new ActivityLink(t)));
        return activity?
            .SetTag("messaging.system", system).SetTag("messaging.destination.name", queue)
            .SetTag("messaging.operation.type", "send");
    }

    /// <summary>How many messages the enqueue sends (known once the alerts are packed, inside the span whose trace they carry).</summary>
    public static void Enqueuing(Activity? enqueue, int messages) => enqueue?.SetTag("messaging.batch.message_count", messages);

    /// <summary>
    /// The messages of one change received together, handled (consumer): a child of the context the first carries
    /// (<see cref="ReceivedAlerts.Parent"/>; every message of one change's fan-out carries the same trace), linked to the
    /// others' and to the receiving run's own span; messages without one (sent before tracing) start under the receiving run.
    /// </summary>
    public static Activity? StartDispatch(IReadOnlyList<ReceivedAlerts> messages) =>
        StartDispatch(messages, default, messages.Sum(m => m.Alerts?.Sum(a => a.Recipients.Count) ?? 0));

    /// <summary>
    /// The same for one change's <paramref name="recipients"/>, a child of <paramref name="change"/>'s own trace when it
    /// carries one (a message carrying several changes' alerts carries each change's trace), else of the first message's.
    /// </summary>
    public static Activity? StartDispatch(IReadOnlyList<ReceivedAlerts> messages, ActivityContext change, int recipients)
    {
        var parent = change != default ? change : messages[0].Parent;
        var links = messages.Select(m => m.Parent).Where(p => p != default && p != parent).Distinct().Select(p => new ActivityLink(p)).ToList();
        if (parent != default && Activity.Current is { } receiving)
        {
            links.Add(new ActivityLink(receiving.Context));
        }

        return Source.StartActivity(Spans.Dispatch, ActivityKind.Consumer, parent, links: links)?
            .SetTag("messaging.operation.type", "process").SetTag("messaging.message.id", messages[0].MessageId)
            .SetTag("messaging.batch.message_count", messages.Count)
            .SetTag("alerts.delivery_count", messages.Max(m => m.DeliveryCount))
            .SetTag("alerts.recipients", recipients);
    }

    /// <summary>One received message handled (see the list form).</summary>
    public static Activity? StartDispatch(ReceivedAlerts message) => StartDispatch([message]);

    /// <summary>Records how long the change took from its receipt to this accepted email.</summary>
    public static void Delivered(RatingChange change, DateTimeOffset acceptedAt) =>
        DispatchLatency.Record(Math.Max(0, (acceptedAt - change.ReceivedAt).TotalMilliseconds));

    public static Activity? StartSendEmail(EmailMessage email) =>
        Source.StartActivity(Spans.SendEmail, ActivityKind.Client)?.SetTag(CategoryTag, email.Category).SetTag("alerts.email.reference", email.Reference);

    /// <summary>One email to many (<see cref="EmailBatch"/>, one carrier request) as a "send email" span.</summary>
    public static Activity? StartSendEmail(EmailBatch batch) =>
        Source.StartActivity(Spans.SendEmail, ActivityKind.Client)?.SetTag(CategoryTag, batch.Category)
            .SetTag("alerts.recipients", batch.Recipients.Count)
            .SetTag("alerts.email.reference", batch.Recipients.Count == 1 ? batch.Recipients[0].Reference : null);

    /// <summary>The carrier's answer, on the span and in the sent/failed counters.</summary>
    public static void EmailOutcome(Activity? send, EmailMessage email, EmailSendResult result) =>
        EmailOutcome(send, email.Category, 1, result);

    /// <summary>
    /// The carrier's answer to a batch: it counts for each of its emails. Except a batch of several refused for good (one
    /// bad address refuses a whole SendGrid request): the dispatcher splits it to find the address, and its emails are
    /// counted as they go out (or fail) in the smaller batches; the span says so.
    /// </summary>
    public static void EmailOutcome(Activity? send, EmailBatch batch, EmailSendResult result)
    {
        if (result.Status == EmailSendStatus.Permanent && batch.Recipients.Count > 1)
        {
            send?.SetTag("alerts.batch.split", true).SetStatus(ActivityStatusCode.Error, result.Reason);
            return;
        }

        EmailOutcome(send, batch.Category, batch.Recipients.Count, result);
    }

    private static void EmailOutcome(Activity? send, string category, int emails, EmailSendResult result)
    {
        var categoryTag = new KeyValuePair<string, object?>(CategoryTag, category);
        if (result.Status == EmailSendStatus.Accepted)
        {
            EmailsSent.Add(emails, categoryTag);
            return;
        }

        var failure = result.Status == EmailSendStatus.Permanent ? "permanent" : "transient";
        EmailsFailed.Add(emails, categoryTag, new KeyValuePair<string, object?>(FailureTag, failure));
        send?.SetTag(FailureTag, failure).SetStatus(ActivityStatusCode.Error, result.Reason);
    }

    /// <summary>The W3C <c>traceparent</c> of <paramref name="context"/>, or null when there is none.</summary>
    public static string? TraceParent(ActivityContext context) =>
        context == default ? null : $"00-{context.TraceId.ToHexString()}-{context.SpanId.ToHexString()}-{(context.TraceFlags.HasFlag(ActivityTraceFlags.Recorded) ? "01" : "00")}";

    /// <summary>The remote parent a message carries; default (none) when absent or malformed, as in messages sent before tracing.</summary>
    public static ActivityContext ParentFrom(string? traceParent, string? traceState) =>
        traceParent is not null && ActivityContext.TryParse(traceParent, traceState, isRemote: true, out var context) ? context : default;
}
