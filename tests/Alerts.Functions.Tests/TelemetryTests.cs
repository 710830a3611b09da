using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using Alerts.Api;
using Alerts.Core.Delivery;
using Alerts.Core.Diagnostics;
using Alerts.Core.Security;
using Alerts.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Alerts.Functions.Tests;

/// <summary>
/// The telemetry of one change, end to end: the real <see cref="AlertsServiceCollectionExtensions.AddAlerts"/> (its
/// OpenTelemetry wiring included) behind a real HTTP server, with in-memory exporters added the way a host adds one, over
/// Azurite (Storage queue), and a SendGrid stand-in (<see cref="CaptureServer"/>) that refuses one address.
/// The meter and the activity source are process-wide, so this class runs alone (<see cref="TelemetryCollection"/>).
/// </summary>
[Collection(TelemetryCollection.Name)]
public sealed class TelemetryTests : IAsyncLifetime
{
    private const string Refused = "refused";

    private readonly AzuriteFixture _azurite = new();
    private readonly List<Activity> _spans = [];
    private readonly List<MetricSnapshot> _metrics = [];
    private CaptureServer _sendGrid = null!;
    private WebApplication _app = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        await _azurite.InitializeAsync();
        // SendGrid's stand-in refuses, for good, every alert email to an address that starts with "refused" (its confirmation goes).
        _sendGrid = await CaptureServer.StartAsync(request =>
            request.Body.Contains($"\"{Refused}-", StringComparison.Ordinal) && request.Body.Contains("\"categories\":[\"alert\"]", StringComparison.Ordinal)
            ? (400, """{"errors":[{"message":"Does not contain a valid address.","field":"personalizations.0.to"}]}""", null)
            : (202, null, null));

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage:ConnectionString"] = _azurite.ConnectionString,
            ["Webhook:Secrets"] = AlertsApp.Secret,
            ["Alerts:SigningKeys"] = "telemetry-signing-key-0123456789abcdef",
            ["Hosting:Local"] = "true", // Azurite

            ["Alerts:PublicBaseUrl"] = "https://alerts.example.test",
            ["Email:From"] = "alerts@example.test",
            ["SendGrid:ApiKey"] = "SG.test-key",
            ["SendGrid:Host"] = _sendGrid.BaseUrl,
        });
        builder.Services.AddAlerts(builder.Configuration);
        builder.Services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddInMemoryExporter(_spans));
        builder.Services.ConfigureOpenTelemetryMeterProvider(metrics => metrics.AddInMemoryExporter(_metrics));
        _app = builder.Build();
        _app.MapAlertsApi();
        await _app.StartAsync();
        _http = new HttpClient { BaseAddress = new Uri(_app.Urls.First()) };
    }

    public async Task DisposeAsync()
    {
        _http?.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        if (_sendGrid is not null)
        {
            await _sendGrid.DisposeAsync();
        }

        await _azurite.DisposeAsync();
    }

    [Fact]
    public async Task SignedPost_ToEmail_IsOneTraceFromTheWebhookThroughTheQueueToTheCarrier()
    {
        var ticker = TestData.Ticker();
        await SubscribeAndConfirmAsync(TestData.Email(), ticker);

        var posted = await PostAsync(TestData.Change(ticker));
        var summary = await DrainAsync();

        Assert.Equal(HttpStatusCode.Accepted, posted.StatusCode);
        Assert.Equal(1, summary.Sent);
        var match = Assert.Single(Spans(AlertsTelemetry.Spans.Match), s => (string?)s.GetTagItem("alerts.ticker") == ticker);
        var trace = _spans.Where(s => s.TraceId == match.TraceId).ToList();
        var server = Assert.Single(trace, s => s.Kind == ActivityKind.Server && (string?)s.GetTagItem("url.path") == "/api/ratings");
        var ingest = Assert.Single(trace, s => s.DisplayName == AlertsTelemetry.Spans.Ingest);
        var store = Assert.Single(trace, s => s.DisplayName == AlertsTelemetry.Spans.Store);
        var enqueue = Assert.Single(trace, s => s.DisplayName == AlertsTelemetry.Spans.Enqueue);
        var dispatch = Assert.Single(trace, s => s.DisplayName == AlertsTelemetry.Spans.Dispatch);
        var send = Assert.Single(trace, s => s.DisplayName == AlertsTelemetry.Spans.SendEmail);
        var carrier = Assert.Single(trace, s => s.Kind == ActivityKind.Client && s.ParentSpanId == send.SpanId);

        Assert.Equal(server.SpanId, ingest.ParentSpanId);
        Assert.Equal(ingest.SpanId, store.ParentSpanId);
        Assert.Equal(ingest.SpanId, match.ParentSpanId);
        Assert.Equal(match.SpanId, enqueue.ParentSpanId);
        Assert.Equal(enqueue.SpanId, dispatch.ParentSpanId);
        Assert.Equal(dispatch.SpanId, send.ParentSpanId);
        Assert.Equal(
            [ActivityKind.Internal, ActivityKind.Internal, ActivityKind.Producer, ActivityKind.Consumer, ActivityKind.Client],
            new[] { ingest, match, enqueue, dispatch, send }.Select(s => s.Kind));
        Assert.Equal("alert", send.GetTagItem(AlertsTelemetry.CategoryTag));
        Assert.Equal("/v3/mail/send", new Uri((string)carrier.GetTagItem("url.full")!).AbsolutePath);
        Assert.Equal(1, match.GetTagItem("alerts.matched"));
    }

    [Fact]
    public async Task IngestMatchAndDelivery_AreCounted()
    {
        var ticker = TestData.Ticker();
        await SubscribeAndConfirmAsync(TestData.Email(), ticker);
        await SubscribeAndConfirmAsync($"{Refused}-{Guid.NewGuid():N}@example.com", ticker);
        var before = Counts();

        var first = await PostAsync(TestData.Change(ticker));
        var resent = await PostAsync(TestData.Change(ticker));
        var summary = await DrainAsync();
        var after = Counts();

        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, resent.StatusCode);
        Assert.Equal((1, 1, 1), (summary.Sent, summary.Refused, summary.DeadLettered));
        Assert.Equal(1, after.Ingested - before.Ingested);
        Assert.Equal(1, after.Duplicates - before.Duplicates);
        Assert.Equal(2, after.Matched - before.Matched);
        Assert.Equal(1, after.AlertsSent - before.AlertsSent);
        Assert.Equal(1, after.AlertsRefused - before.AlertsRefused);
        Assert.Equal(0, after.AlertsRetried - before.AlertsRetried);
        Assert.Equal(1, after.Latencies - before.Latencies);
        // The two went in one SendGrid request, refused whole for the bad address, then split: one span says so, and
        // only the bad address's own send counts as failed.
        Assert.Single(Spans(AlertsTelemetry.Spans.SendEmail), s => s.GetTagItem("alerts.batch.split") is true);
        var refused = Assert.Single(Spans(AlertsTelemetry.Spans.SendEmail), s => s.GetTagItem(AlertsTelemetry.FailureTag) is "permanent");
        Assert.Equal(ActivityStatusCode.Error, refused.Status);
        Assert.Equal("permanent", refused.GetTagItem(AlertsTelemetry.FailureTag));
        Assert.Contains("400", refused.StatusDescription, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TextWithAnUnlistedCompany_IsCountedUnresolved()
    {
        var before = UnresolvedCount();

        var response = await PostAsync("Banca Mediolanum price target raised to $34 from $28 at JPMorgan", "text/plain");
        var after = UnresolvedCount();

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal(1, after - before);
    }

    private long UnresolvedCount()
    {
        Assert.True(_app.Services.GetRequiredService<MeterProvider>().ForceFlush());
        return Sum("alerts.text.unresolved", (AlertsTelemetry.OriginTag, AlertsTelemetry.WebhookOrigin), ("alerts.missing", "ticker"));
    }

    /// <summary>
    /// Waits for the change on <paramref name="ticker"/> to be matched and its alerts queued (after the post's 202, in the
    /// background): its match span, then the enqueue span under it (the last messages of changes fanned out together are
    /// enqueued together, after their matches end).
    /// </summary>
    [Fact]
    public async Task ServerSpansOff_AsTheFunctionsAppSetsIt_RecordsNoSecondRequest()
    {
        // The Functions host records each request before forwarding it to the worker; the worker then must not record it
        // again (AzureDefaults sets Telemetry:ServerSpans=false). The same app with it off, beside the one with it on.
        var quiet = new List<Activity>();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage:ConnectionString"] = _azurite.ConnectionString,
            ["Webhook:Secrets"] = AlertsApp.Secret,
            ["Alerts:SigningKeys"] = "telemetry-signing-key-0123456789abcdef",
            ["Hosting:Local"] = "true",
            ["Alerts:PublicBaseUrl"] = "https://alerts.example.test",
            ["Email:From"] = "alerts@example.test",
            ["Telemetry:ServerSpans"] = "false",
        });
        builder.Services.AddAlerts(builder.Configuration);
        builder.Services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddInMemoryExporter(quiet));
        await using var app = builder.Build();
        app.MapAlertsApi();
        await app.StartAsync();
        using var http = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };

        using var onQuiet = await http.GetAsync(new Uri("/api/openapi.json", UriKind.Relative));
        using var onDefault = await _http.GetAsync(new Uri("/api/openapi.json", UriKind.Relative));
        await app.StopAsync(); // every request of the quiet app has ended, its spans with it
        bool Recorded() => _spans.ToList().Any(s => s.Kind == ActivityKind.Server && (string?)s.GetTagItem("url.path") == "/api/openapi.json");
        await Eventually.UntilAsync(Recorded, TimeSpan.FromSeconds(30), "the server span of the default app is recorded (it ends just after the response is sent)");

        Assert.Equal(HttpStatusCode.OK, onQuiet.StatusCode);
        Assert.Equal(HttpStatusCode.OK, onDefault.StatusCode);
        Assert.True(Recorded());
        Assert.DoesNotContain(quiet.ToList(), s => s.Kind == ActivityKind.Server);
    }

    private IEnumerable<Activity> Spans(string name)
    {
        Assert.True(_app.Services.GetRequiredService<TracerProvider>().ForceFlush());
        return _spans.Where(s => s.Source.Name == AlertsTelemetry.Name && s.DisplayName == name).ToList();
    }

    private async Task SubscribeAndConfirmAsync(string email, string ticker)
    {
        var created = await _http.PostAsJsonAsync("/api/subscriptions", new { email, tickers = new[] { ticker } });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (await created.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("id").GetString()!;
        var confirm = new Uri(_app.Services.GetRequiredService<Links>().Confirm(id));
        var confirmed = await _http.PostAsync(confirm.PathAndQuery, null);
        Assert.Equal(HttpStatusCode.OK, confirmed.StatusCode);
    }

    private Task<HttpResponseMessage> PostAsync(string body, string mediaType = "application/json")
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/ratings") { Content = new ByteArrayContent(bytes) };
        request.Content.Headers.ContentType = new(mediaType);
        request.Headers.Add(WebhookSignature.HeaderName, WebhookSignature.Sign(AlertsApp.Secret, DateTimeOffset.UtcNow.ToUnixTimeSeconds(), bytes));
        return _http.SendAsync(request);
    }

    /// <summary>What the Functions app does after a post: the fan-out queue trigger for every queued message, then the dispatch timer's drain.</summary>
    private async Task<DispatchSummary> DrainAsync()
    {
        var fanOut = new Functions.FanOutFunction(_app.Services.GetRequiredService<Core.Ingest.FanOutHandler>());
        await AlertsApp.FanOutAsync(_azurite.ConnectionString, fanOut);
        return await _app.Services.GetRequiredService<AlertDispatcher>().DrainAsync(TimeSpan.FromSeconds(30), CancellationToken.None);
    }

    private Counted Counts()
    {
        Assert.True(_app.Services.GetRequiredService<MeterProvider>().ForceFlush());
        return new Counted(
            Sum("alerts.changes.ingested", (AlertsTelemetry.OriginTag, AlertsTelemetry.WebhookOrigin)),
            Sum("alerts.changes.duplicates", (AlertsTelemetry.OriginTag, AlertsTelemetry.WebhookOrigin)),
            Sum("alerts.alerts.matched"),
            Sum("alerts.emails.sent", (AlertsTelemetry.CategoryTag, "alert")),
            Sum("alerts.emails.failed", (AlertsTelemetry.CategoryTag, "alert"), (AlertsTelemetry.FailureTag, "permanent")),
            Sum("alerts.emails.failed", (AlertsTelemetry.CategoryTag, "alert"), (AlertsTelemetry.FailureTag, "transient")),
            HistogramCount("alerts.dispatch.latency"));
    }

    /// <summary>The cumulative sum of a counter's points that carry every one of <paramref name="tags"/>, as last exported.</summary>
    private long Sum(string metric, params (string Key, string Value)[] tags) =>
        Points(metric, tags).Sum(p => p.GetSumLong());

    private long HistogramCount(string metric) => Points(metric, []).Sum(p => p.GetHistogramCount());

    private List<MetricPoint> Points(string metric, (string Key, string Value)[] tags)
    {
        var snapshot = _metrics.LastOrDefault(m => m.Name == metric);
        if (snapshot is null)
        {
            return [];
        }

        return snapshot.MetricPoints.Where(point =>
        {
            var pointTags = new Dictionary<string, object?>();
            foreach (var tag in point.Tags)
            {
                pointTags[tag.Key] = tag.Value;
            }

            return tags.All(t => pointTags.TryGetValue(t.Key, out var value) && Equals(value, t.Value));
        }).ToList();
    }

    private sealed record Counted(long Ingested, long Duplicates, long Matched, long AlertsSent, long AlertsRefused, long AlertsRetried, long Latencies);
}

/// <summary>Runs alone: its meter and activity source listeners would otherwise count what other tests do at the same time.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TelemetryCollection
{
    public const string Name = "Telemetry (process-wide listeners)";
}
