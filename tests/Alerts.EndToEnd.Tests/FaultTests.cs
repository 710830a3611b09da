using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Alerts.Core.Security;
using Alerts.Testing;
using MimeKit;
using Xunit.Abstractions;

namespace Alerts.EndToEnd.Tests;

/// <summary>
/// Nothing lost, nothing twice, under faults, over real HTTP against the local runner on a real Azurite:
/// (a) kill -9 of the runner at random moments while 10,000 signed changes stream in, restart, resend what was not
/// acknowledged; (b) a SendGrid stand-in answering 429 and 500 for a stretch; (c) Azurite stopped and restarted mid-stream.
/// Each counts changes stored, alerts emailed and duplicates, and prints its figures.
/// </summary>
public sealed partial class FaultTests(ITestOutputHelper output) : IAsyncLifetime
{
    /// <summary>Azurite and the runner; each test starts the runner itself, with its own settings.</summary>
    private readonly LocalRunnerFixture _system = new("fault-test-secret-0123456789abcdefghij", startRunner: false);
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(30) };

    private AzuriteServer Azurite => _system.Azurite;

    public Task InitializeAsync() => _system.InitializeAsync();

    public async Task DisposeAsync()
    {
        await _system.DisposeAsync();
        _http.Dispose();
    }

    /// <summary>Settings that make a crashed runner's leftovers come back within seconds rather than minutes.</summary>
    private static Dictionary<string, string> FastRecovery(Dictionary<string, string>? more = null)
    {
        var settings = new Dictionary<string, string>
        {
            ["Delivery__LockSeconds"] = "5",
            ["Delivery__ClaimTimeoutSeconds"] = "5",
            ["Alerts__MaxSubscriptionsPerClientPerHour"] = "1000",
        };
        foreach (var (key, value) in more ?? [])
        {
            settings[key] = value;
        }

        return settings;
    }

    [Fact]
    public async Task KillNineWhileTenThousandChangesStreamIn_NothingLostNothingTwice()
    {
        const int Tickers = 20;
        const int Changes = 10_000;
        const int BatchSize = 100;
        var runner = await _system.StartRunnerAsync(FastRecovery());
        var tickers = Enumerable.Range(0, Tickers).Select(i => $"KILL{i:D2}").ToArray();
        await SubscribeAllAsync(runner, tickers.Select(t => (Email: $"{t.ToLowerInvariant()}@example.com", Ticker: t)).ToList());

        // 10,000 distinct changes, 500 per ticker, in batches of 100 (each batch on one ticker).
        var batches = Enumerable.Range(0, Changes / BatchSize).Select(b => Batch(tickers[b % Tickers], b, BatchSize)).ToList();
        var acknowledged = new bool[batches.Count];
        var random = new Random(20261125);
        var kills = 0;
        var resends = 0;
        var duplicatesReported = 0;
        var posted = 0;
        var killAt = new SortedSet<int> { random.Next(5, 30), random.Next(35, 60), random.Next(65, 95) };
        var clock = System.Diagnostics.Stopwatch.StartNew();

        while (acknowledged.Contains(false))
        {
            for (var i = 0; i < batches.Count; i++)
            {
                if (acknowledged[i])
                {
                    continue;
                }

                if (killAt.Count > 0 && posted >= killAt.Min)
                {
                    killAt.Remove(killAt.Min);
                    // Mid-stream: a post in flight, alerts being dispatched.
                    var inFlight = PostSignedAsync(runner, batches[i], "application/x-ndjson");
                    await Task.Delay(random.Next(0, 40)); // the scenario: a kill at a random moment of the post, not a wait
                    await _system.KillRunnerAsync();
                    kills++;
                    try
                    {
                        var answer = await inFlight;
                        if (answer.StatusCode == HttpStatusCode.Accepted)
                        {
                            acknowledged[i] = true;
                        }
                    }
                    catch (HttpRequestException)
                    {
                        // Not acknowledged: resent below.
                    }
                    catch (TaskCanceledException)
                    {
                    }

                    runner = await _system.RestartRunnerAsync();
                    continue;
                }

                try
                {
                    var response = await PostSignedAsync(runner, batches[i], "application/x-ndjson");
                    if (response.StatusCode == HttpStatusCode.Accepted)
                    {
                        var json = await response.Content.ReadFromJsonAsync<JsonElement>();
                        duplicatesReported += json.GetProperty("duplicates").GetInt32();
                        acknowledged[i] = true;
                        posted++;
                    }
                    else
                    {
                        resends++;
                    }
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
                {
                    // Refused, or not answered within the client's timeout (a loaded machine): not acknowledged, so
                    // resent, as a sender would.
                    resends++;
                }
            }

            if (acknowledged.Contains(false))
            {
                resends += acknowledged.Count(a => !a);
            }
        }

        output.WriteLine($"posting done after {clock.Elapsed.TotalSeconds:0.0} s");
        var stored = 0;
        foreach (var ticker in tickers)
        {
            stored += (await _http.GetFromJsonAsync<JsonElement>($"{runner.BaseUrl}/api/ratings?ticker={ticker}&limit=1000")).GetProperty("count").GetInt32();
        }

        try
        {
            await Eventually.UntilAsync(() => AlertFiles(runner).Count >= Changes, TimeSpan.FromMinutes(4), $"{Changes} alert emails are in the mailbox");
        }
        catch (TimeoutException)
        {
            output.WriteLine($"after {clock.Elapsed.TotalSeconds:0.0} s: {AlertFiles(runner).Count} alert emails; stored {stored}");
            output.WriteLine(runner.Output);
            throw;
        }

        output.WriteLine($"all emails after {clock.Elapsed.TotalSeconds:0.0} s");
        // Every change fanned out and every alert message deleted, none left hidden by a killed runner to come back:
        // any duplicate would be in the mailbox now.
        await _system.WaitUntilQueuesDrainedAsync(TimeSpan.FromMinutes(2));
        var files = AlertFiles(runner);
        var distinct = files.Select(AlertIdOf).Distinct().Count();

        output.WriteLine($"kill -9: {kills}; batches resent: {resends}; duplicates reported on resend: {duplicatesReported}");
        output.WriteLine($"changes stored: {stored} of {Changes}; alert emails: {files.Count}, distinct alerts: {distinct}");
        Assert.Equal(3, kills);
        Assert.Equal(Changes, stored);
        Assert.Equal(Changes, distinct);
        Assert.Equal(Changes, files.Count);
    }

    [Fact]
    public async Task SendGridAnswers429And500ForAStretch_EveryEmailDeliveredOnce()
    {
        var failuresLeft = 0;
        var accepted = new ConcurrentBag<(string Subject, string Reference)>();
        await using var sendGrid = await CaptureServer.StartAsync(request =>
        {
            var left = Interlocked.Decrement(ref failuresLeft);
            if (left >= 0)
            {
                return left % 2 == 0
                    ? (429, "{\"errors\":[{\"message\":\"too many requests\"}]}", new Dictionary<string, string> { ["Retry-After"] = "1" })
                    : (500, "{\"errors\":[{\"message\":\"internal error\"}]}", null);
            }

            accepted.Add(SubjectAndReferenceOf(request.Body));
            return (202, null, null);
        });
        var settings = FastRecovery(new() { ["SendGrid__ApiKey"] = "SG.fault-test", ["SendGrid__Host"] = sendGrid.BaseUrl });
        var runner = await _system.StartRunnerAsync(settings);

        // Subscribers confirm through the links of the confirmation emails SendGrid received.
        const int Subscribers = 10;
        var tickers = Enumerable.Range(0, Subscribers).Select(i => $"SG{i:D2}").ToArray();
        for (var i = 0; i < Subscribers; i++)
        {
            var created = await _http.PostAsJsonAsync($"{runner.BaseUrl}/api/subscriptions", new { email = $"sg{i}@example.com", tickers = new[] { tickers[i] } });
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        var links = sendGrid.Requests.SelectMany(r => UrlPattern().Matches(r.Body)).Select(m => m.Value).Where(l => l.Contains("/confirm?token=", StringComparison.Ordinal)).Distinct().ToList();
        Assert.Equal(Subscribers, links.Count);
        foreach (var link in links)
        {
            Assert.Equal(HttpStatusCode.OK, (await _http.PostAsync(link, null)).StatusCode);
        }

        // The stretch: the next 40 requests to SendGrid answer 429 (Retry-After: 1) and 500, alternately.
        Interlocked.Exchange(ref failuresLeft, 40);
        const int Changes = 30;
        for (var c = 0; c < Changes; c++)
        {
            var response = await PostSignedAsync(runner, Change(tickers[c % Subscribers], c), "application/json");
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        }

        List<(string Subject, string Reference)> Alerts() => accepted.Where(a => !a.Subject.Contains("Confirm", StringComparison.Ordinal)).ToList();
        await Eventually.UntilAsync(() => Alerts().Count >= Changes, TimeSpan.FromMinutes(2), $"{Changes} alerts accepted by SendGrid\n{runner.Output}");
        await _system.WaitUntilQueuesDrainedAsync(TimeSpan.FromMinutes(2)); // every retry done: a duplicate would have reached SendGrid
        var alerts = Alerts();

        output.WriteLine($"SendGrid requests: {sendGrid.Requests.Count} (40 of them answered 429 or 500); alerts accepted: {alerts.Count}, distinct: {alerts.Select(a => a.Reference).Distinct().Count()}");
        Assert.True(Volatile.Read(ref failuresLeft) < 0, "the whole stretch of failures was used up");
        Assert.Equal(Changes, alerts.Count);
        Assert.Equal(Changes, alerts.Select(a => a.Reference).Distinct().Count());
    }

    [Fact]
    public async Task AzuriteStoppedAndRestartedMidStream_NoAcceptedChangeLost()
    {
        var runner = await _system.StartRunnerAsync(FastRecovery());
        const string Ticker = "OUTAGE";
        await SubscribeAllAsync(runner, [("outage@example.com", Ticker)]);

        const int Changes = 200;
        var acceptedIds = new HashSet<string>();
        var unavailable = 0;
        var outage = System.Diagnostics.Stopwatch.StartNew();
        for (var c = 0; c < Changes; c++)
        {
            if (c == 60)
            {
                await Azurite.StopAsync();
                outage.Restart();
            }

            // Each change is sent until it is acknowledged, as a sender would: 503 with Retry-After while storage is down.
            while (true)
            {
                if (!Azurite.IsRunning && outage.Elapsed > TimeSpan.FromSeconds(5))
                {
                    await Azurite.StartAgainAsync();
                }

                var response = await PostSignedAsync(runner, Change(Ticker, c), "application/json");
                if (response.StatusCode == HttpStatusCode.Accepted)
                {
                    var json = await response.Content.ReadFromJsonAsync<JsonElement>();
                    acceptedIds.Add(json.GetProperty("changes")[0].GetProperty("id").GetString()!);
                    break;
                }

                Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
                Assert.NotNull(response.Headers.RetryAfter);
                unavailable++;
                await Task.Delay(250); // the sender's pause before resending, as told by Retry-After (kept short): the scenario, not a wait
            }
        }

        var history = await _http.GetFromJsonAsync<JsonElement>($"{runner.BaseUrl}/api/ratings?ticker={Ticker}&limit=1000");
        var stored = history.GetProperty("changes").EnumerateArray().Select(c => c.GetProperty("id").GetString()!).ToHashSet();
        await Eventually.UntilAsync(() => AlertFiles(runner).Count >= acceptedIds.Count, TimeSpan.FromMinutes(2), "every accepted change was emailed\n" + runner.Output);
        await _system.WaitUntilQueuesDrainedAsync(TimeSpan.FromMinutes(2)); // a duplicate would be in the mailbox now
        var files = AlertFiles(runner);

        output.WriteLine($"accepted: {acceptedIds.Count} of {Changes}; answered 503 during the 5 s outage: {unavailable}; stored: {stored.Count}; alert emails: {files.Count}, distinct: {files.Select(AlertIdOf).Distinct().Count()}");
        Assert.True(unavailable >= 1, "the outage was seen");
        Assert.Equal(Changes, acceptedIds.Count);
        Assert.Subset(stored, acceptedIds);
        Assert.Equal(acceptedIds.Count, files.Count);
        Assert.Equal(files.Count, files.Select(AlertIdOf).Distinct().Count());
    }

    private async Task SubscribeAllAsync(LocalRunnerProcess runner, IReadOnlyList<(string Email, string Ticker)> subscribers)
    {
        foreach (var (email, ticker) in subscribers)
        {
            var created = await _http.PostAsJsonAsync($"{runner.BaseUrl}/api/subscriptions", new { email, tickers = new[] { ticker } });
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        var pending = subscribers.Select(s => s.Email).ToHashSet(StringComparer.OrdinalIgnoreCase);
        await Eventually.UntilAsync(() => Confirmations(runner).Count(m => pending.Contains(m.To.Mailboxes.First().Address)) >= pending.Count, TimeSpan.FromSeconds(60), "every confirmation email is in the mailbox");
        foreach (var message in Confirmations(runner).Where(m => pending.Contains(m.To.Mailboxes.First().Address)))
        {
            var link = UrlPattern().Match(message.TextBody ?? string.Empty).Value;
            Assert.Equal(HttpStatusCode.OK, (await _http.PostAsync(link, null)).StatusCode);
        }
    }

    private Task<HttpResponseMessage> PostSignedAsync(LocalRunnerProcess runner, string body, string contentType)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"{runner.BaseUrl}/api/ratings") { Content = new StringContent(body, Encoding.UTF8, contentType) };
        request.Headers.Add(WebhookSignature.HeaderName, WebhookSignature.Sign(_system.WebhookSecret, DateTimeOffset.UtcNow.ToUnixTimeSeconds(), Encoding.UTF8.GetBytes(body)));
        return _http.SendAsync(request);
    }

    private static string Change(string ticker, int n) =>
        $$"""{"id":"{{ticker}}-{{n}}","ticker":"{{ticker}}","firm":"Firm {{n}}","fromRating":"Neutral","toRating":"Buy","fromTarget":10,"toTarget":{{11 + n}},"source":"faults"}""";

    private static string Batch(string ticker, int batch, int size) =>
        string.Join('\n', Enumerable.Range(0, size).Select(i => Change(ticker, (batch * size) + i)));

    private static List<string> AlertFiles(LocalRunnerProcess runner) =>
        Directory.Exists(runner.Mailbox) ? Directory.GetFiles(runner.Mailbox, "*-alert-*.eml").ToList() : [];

    private static List<MimeMessage> Confirmations(LocalRunnerProcess runner) =>
        Directory.Exists(runner.Mailbox)
            ? Directory.GetFiles(runner.Mailbox, "*-confirmation-*.eml").Select(path => MimeMessage.Load(path)).ToList()
            : [];

    /// <summary>The alert id in a pickup file name: <c>{time}-alert-{alert id}.eml</c>.</summary>
    private static string AlertIdOf(string path) => Path.GetFileNameWithoutExtension(path).Split("-alert-")[1];

    /// <summary>The subject and our reference (custom_args.reference) of a SendGrid /v3/mail/send body.</summary>
    private static (string Subject, string Reference) SubjectAndReferenceOf(string sendGridJson)
    {
        using var document = JsonDocument.Parse(sendGridJson);
        var places = new[] { document.RootElement }.Concat(document.RootElement.TryGetProperty("personalizations", out var p) ? p.EnumerateArray() : []).ToList();
        var subject = places.Select(e => e.TryGetProperty("subject", out var s) ? s.GetString() : null).FirstOrDefault(v => v is not null) ?? string.Empty;
        var reference = places.Select(e => e.TryGetProperty("custom_args", out var a) && a.TryGetProperty("reference", out var r) ? r.GetString() : null).FirstOrDefault(v => v is not null) ?? string.Empty;
        return (subject, reference);
    }

    [GeneratedRegex(@"https?://[^\s""<>\\]+")]
    private static partial Regex UrlPattern();
}
