using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Alerts.Feeds.Tests.TestSupport;
using Alerts.Testing;

namespace Alerts.EndToEnd.Tests;

/// <summary>
/// Issue 22's black-box check: the vendors' recorded answers served as their base URLs (moved in time in the test so that
/// they are recent for the real clock), the local runner as a separate process with the four sources configured, and what
/// it stored read back through <c>GET /api/ratings</c> and <c>GET /api/health</c>.
/// </summary>
public sealed class VendorFeedsEndToEndTests : IAsyncLifetime
{
    private const string Secret = "feeds-end-to-end-webhook-secret-0123456789";
    private const string AdminKey = "feeds-end-to-end-admin-key-0123456789";

    /// <summary>The day every moved sample's newest record lands on: yesterday (UTC), in the past for any clock today.</summary>
    private static readonly DateOnly Yesterday = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(-1);

    /// <summary>Moves Benzinga's recording (newest 2024-01-10) and FMP's price-target news with it, on one timeline.</summary>
    private static readonly int BenzingaDays = VendorSample.DaysBetween(new DateOnly(2024, 1, 10), Yesterday);

    private static readonly int FinnhubDays = VendorSample.DaysBetween(new DateOnly(2019, 9, 6), Yesterday);

    /// <summary>Azurite and the runner; the tests start the runner with the sources they need.</summary>
    private readonly LocalRunnerFixture _system = new(Secret, startRunner: false);
    private readonly HttpClient _http = new();
    private CaptureServer? _vendors;

    // What each vendor answers now; the test changes it as the vendors publish more.
    private volatile string _benzinga = string.Empty;
    private volatile string _fmpTargets = "[]";
    private volatile string _benzingaRemoved = """{"removed": []}""";

    private LocalRunnerProcess Runner => _system.Runner;

    public async Task InitializeAsync()
    {
        await _system.InitializeAsync();
        var finnhub = VendorSample.Rewrite(VendorSample.FinnhubBynd, FinnhubDays);
        var gradesAapl = VendorSample.Rewrite(VendorSample.FmpGradesAapl, VendorSample.DaysBetween(new DateOnly(2025, 1, 31), Yesterday));
        var gradesNvda = VendorSample.Rewrite(VendorSample.FmpGradesNvda, VendorSample.DaysBetween(new DateOnly(2026, 5, 18), Yesterday));
        _vendors = await CaptureServer.StartAsync(request => (request.Path, request.Query.GetValueOrDefault("symbol")) switch
        {
            ("/finnhub/api/v1/stock/upgrade-downgrade", _) => Json(finnhub),
            ("/fmp/stable/grades", "NVDA") => Json(gradesNvda),
            ("/fmp/stable/grades", _) => Json(gradesAapl),
            ("/fmp/stable/price-target-news", _) => Json(_fmpTargets),
            ("/fmp/stable/grades-news", _) => (402, """{"Error Message": "Premium Query Parameter: this endpoint is not available under your current subscription"}""", null),
            ("/benzinga/api/v2.1/calendar/ratings", _) => Json(_benzinga),
            ("/benzinga/api/v2.1/calendar-removed", _) => Json(_benzingaRemoved),
            _ => (404, "not a vendor path", null),
        });
    }

    public async Task DisposeAsync()
    {
        if (_vendors is not null)
        {
            await _vendors.DisposeAsync();
        }

        await _system.DisposeAsync();

        _http.Dispose();
    }

    [Fact]
    public async Task LocalRunner_FourVendorsRecordedAnswers_StoresWhatTheVendorsMeant()
    {
        // 1. Benzinga has published its records up to 2023-09-12 (moved): the runner with Benzinga, Finnhub and FMP grades.
        _benzinga = VendorSample.Rewrite(VendorSample.BenzingaAapl, BenzingaDays, keep: r => string.CompareOrdinal((string)r["date"]!, "2023-09-12") <= 0);
        var earlier = VendorSample.Records(VendorSample.BenzingaAapl).Count(r => string.CompareOrdinal((string)r["date"]!, "2023-09-12") <= 0);
        await StartRunnerAsync(withPriceTargets: false);
        await UntilAsync(async () => (await RatingsAsync("AAPL")).Count(c => Source(c) == "benzinga") == earlier, "Benzinga's earlier records are stored");

        // 2. The four sources (and an FMP grades-news source on a free key). FMP's price-target news, on Benzinga's timeline.
        _fmpTargets = VendorSample.Rewrite(VendorSample.FmpPriceTargetNewsAapl, BenzingaDays);
        await StartRunnerAsync(withPriceTargets: true); // in place of the first runner
        await UntilAsync(async () => (await RatingsAsync("AAPL")).Count(c => Source(c) == "fmp-targets") == 2, "FMP's Wedbush and Needham targets are stored");

        // 3. Benzinga's later records come in; then FMP's Jefferies record (moved to yesterday).
        _benzinga = VendorSample.Rewrite(VendorSample.BenzingaAapl, BenzingaDays);
        await UntilAsync(async () => (await RatingsAsync("AAPL")).Count(c => Source(c) == "benzinga") == 100, "all of Benzinga's records are stored");
        _fmpTargets = VendorSample.Rewrite(VendorSample.FmpPriceTargetNewsAapl, VendorSample.DaysBetween(new DateOnly(2025, 1, 21), Yesterday));
        await UntilAsync(async () => (await RatingsAsync("AAPL")).Any(c => Source(c) == "fmp-targets" && Firm(c) == "Jefferies"), "FMP's Jefferies record is stored");

        var aapl = await RatingsAsync("AAPL");

        // Every Benzinga record stored once, with Benzinga's action and its New York time.
        var benzinga = aapl.Where(c => Source(c) == "benzinga").ToList();
        Assert.Equal(100, benzinga.Count);
        Assert.Equal(100, benzinga.Select(c => (string?)c["senderId"]).Distinct().Count());
        var redburn = benzinga.Single(c => (string?)c["senderId"] == "659e84b3b02d4100013258aa");
        Assert.Equal("downgrade", (string?)redburn["action"]);
        Assert.Equal(NewYork(new DateOnly(2024, 1, 10).AddDays(BenzingaDays), new TimeOnly(6, 51, 15)), (DateTimeOffset)redburn["publishedAt"]!);
        Assert.Null(redburn["publishedDate"]);
        var summer = benzinga.Single(c => (string?)c["senderId"] == "64cd2c98791213000151b87d"); // Canaccord, 2023-08-04 12:51:36
        Assert.Equal("target_raise", (string?)summer["action"]);
        Assert.Equal(NewYork(new DateOnly(2023, 8, 4).AddDays(BenzingaDays), new TimeOnly(12, 51, 36)), (DateTimeOffset)summer["publishedAt"]!);

        // A Wedbush target following Wedbush's earlier target in history: a target raise from it.
        var fmp = aapl.Where(c => Source(c) == "fmp-targets").ToList();
        var wedbush = fmp.Single(c => Firm(c) == "Wedbush");
        Assert.Equal(("target_raise", 230m, 240m), ((string?)wedbush["action"], (decimal?)wedbush["fromTarget"], (decimal?)wedbush["toTarget"]));

        // The Jefferies record: a downgrade (its headline says so), from Jefferies' previous target.
        var jefferies = fmp.Single(c => Firm(c) == "Jefferies");
        Assert.Equal(("downgrade", 210m, 200.75m), ((string?)jefferies["action"], (decimal?)jefferies["fromTarget"], (decimal?)jefferies["toTarget"]));

        // Date-only records on their vendor's date.
        var bynd = await RatingsAsync("BYND");
        var jpm = bynd.Single(c => Firm(c) == "JPMorgan");
        Assert.Equal(("upgrade", new DateOnly(2019, 8, 20).AddDays(FinnhubDays).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)), ((string?)jpm["action"], (string?)jpm["publishedDate"]));
        Assert.Equal(3, bynd.Count(c => c["publishedDate"] is not null));
        var nvda = Assert.Single(await RatingsAsync("NVDA"));
        Assert.Equal(Yesterday.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), (string?)nvda["publishedDate"]);
        Assert.Contains(aapl, c => Source(c) == "fmp-grades" && (string?)c["publishedDate"] == Yesterday.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));

        // The source on a free key: reported on /api/health with the reason, asked once.
        // The reasons are details: the operator's key gets them (anonymous callers, only the verdict).
        using var ask = new HttpRequestMessage(HttpMethod.Get, $"{Runner.BaseUrl}/api/health");
        ask.Headers.Add("X-Alerts-Admin-Key", AdminKey);
        using var answer = await _http.SendAsync(ask); // 503 while a problem is reported
        var health = await answer.Content.ReadFromJsonAsync<JsonObject>() ?? throw new InvalidOperationException("no health report");
        var news = health["feeds"]!.AsArray().Single(f => (string?)f!["source"] == "fmp-news")!;
        Assert.Contains("this endpoint needs a paid plan", (string?)news["problem"], StringComparison.Ordinal);
        Assert.Single(_vendors!.Requests, r => r.Path == "/fmp/stable/grades-news");
    }

    [Fact]
    public async Task LocalRunner_NewestBenzingaRecordEditedThenRemoved_OneCorrectedOneWithdrawnToItsSubscriber_DigestCarriesThem()
    {
        // The newest recorded Benzinga record (Redburn's downgrade of AAPL, $200), moved to yesterday, and the runner
        // polling Benzinga alone. Two subscribers of AAPL: one instant, one with a digest due in a few minutes.
        const string redburn = "659e84b3b02d4100013258aa";
        var record = VendorSample.Rewrite(VendorSample.BenzingaAapl, BenzingaDays, keep: r => (string?)r["id"] == redburn);
        _benzinga = """{"ratings": []}""";
        await _system.StartRunnerAsync(new Dictionary<string, string>
        {
            ["Feeds__PollIntervalSeconds"] = "2",
            ["Feeds__Sources__0__Name"] = "benzinga",
            ["Feeds__Sources__0__Kind"] = "Benzinga",
            ["Feeds__Sources__0__BaseUrl"] = _vendors!.BaseUrl + "/benzinga",
            ["Feeds__Sources__0__ApiKey"] = "bz-key",
        });
        var instant = "instant-" + Guid.NewGuid().ToString("N")[..8] + "@example.com";
        var digest = "digest-" + Guid.NewGuid().ToString("N")[..8] + "@example.com";
        var london = TimeZoneInfo.FindSystemTimeZoneById("Europe/London");
        var digestAt = TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow.AddMinutes(3), london);
        await SubscribeAsync(instant, string.Empty);
        await SubscribeAsync(digest, $$""", "delivery": "digest", "timeZone": "Europe/London", "digestTime": "{{digestAt.ToString("HH:mm", CultureInfo.InvariantCulture)}}" """);

        // Benzinga publishes the record: one alert to the instant subscriber.
        _benzinga = record;
        var alert = await EmailAsync(instant, m => true, "the alert of Redburn's downgrade");
        Assert.Equal("Redburn Atlantic downgrades AAPL to Neutral from Buy, PT $200", alert.Subject);

        // An hour later Benzinga edits its target to $180 (same id, newer "updated"): one "Corrected:".
        _benzinga = VendorSample.Rewrite(VendorSample.BenzingaAapl, BenzingaDays, keep: r => (string?)r["id"] == redburn, edit: r =>
        {
            r["pt_current"] = "180.0000";
            r["updated"] = (long)r["updated"]! + 3600;
        });
        var corrected = await EmailAsync(instant, m => (m.Subject ?? string.Empty).StartsWith("Corrected:", StringComparison.Ordinal), "the correction");
        Assert.Equal("Corrected: Redburn Atlantic downgrades AAPL to Neutral from Buy, PT $180", corrected.Subject);
        Assert.Contains("Price target corrected: $200 -> $180", corrected.TextBody, StringComparison.Ordinal);

        // Then Benzinga deletes it (its removed-records endpoint): one "Withdrawn:".
        var updated = (long)VendorSample.Records(VendorSample.BenzingaAapl).Single(r => (string?)r["id"] == redburn)["updated"]! + (BenzingaDays * 86_400L) + 7200;
        _benzingaRemoved = $$"""{"removed": [{"id": "{{redburn}}", "type": "ratings", "updated": {{updated}}}]}""";
        var withdrawn = await EmailAsync(instant, m => (m.Subject ?? string.Empty).StartsWith("Withdrawn:", StringComparison.Ordinal), "the withdrawal");
        Assert.Equal("Withdrawn: Redburn Atlantic downgrades AAPL to Neutral from Buy, PT $180", withdrawn.Subject);

        // The digest subscriber gets all three in the digest, when it is due.
        var sent = await EmailAsync(digest, m => (m.Subject ?? string.Empty).StartsWith("Alerts digest", StringComparison.Ordinal), "the digest", TimeSpan.FromMinutes(5));
        Assert.Contains("Corrected: Redburn Atlantic downgrades AAPL", sent.TextBody, StringComparison.Ordinal);
        Assert.Contains("Withdrawn: Redburn Atlantic downgrades AAPL", sent.TextBody, StringComparison.Ordinal);

        // Polls go on (the record and its removal are read again every 2 seconds): nothing more for either.
        var polls = _vendors.Requests.Count;
        await Eventually.UntilAsync(() => _vendors.Requests.Count >= polls + 6, TimeSpan.FromSeconds(60), "three more polls");
        Assert.Equal(3, AlertEmails(instant).Count);
        Assert.Single(AlertEmails(digest));
    }

    private async Task SubscribeAsync(string email, string extraJson)
    {
        using var created = await _http.PostAsync(
            $"{Runner.BaseUrl}/api/subscriptions",
            new StringContent($$"""{"email": "{{email}}", "tickers": ["AAPL"]{{extraJson}}}""", System.Text.Encoding.UTF8, "application/json"));
        Assert.True(created.StatusCode == System.Net.HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        var confirmation = await EmailAsync(email, IsConfirmation, "the confirmation email", confirmations: true);
        var link = System.Text.RegularExpressions.Regex.Matches(confirmation.TextBody ?? string.Empty, @"https?://\S+").Select(m => new Uri(m.Value)).Single(u => u.AbsolutePath.Contains("confirm", StringComparison.Ordinal));
        using var confirmed = await _http.PostAsync(link, content: null);
        Assert.Equal(System.Net.HttpStatusCode.OK, confirmed.StatusCode);
    }

    private static bool IsConfirmation(MimeKit.MimeMessage message) => (message.Subject ?? string.Empty).Contains("Confirm", StringComparison.Ordinal);

    private List<MimeKit.MimeMessage> Emails(string to) =>
        Directory.Exists(Runner.Mailbox)
            ? Directory.GetFiles(Runner.Mailbox, "*.eml").Order(StringComparer.Ordinal).Select(path => MimeKit.MimeMessage.Load(path))
                .Where(m => m.To.Mailboxes.Any(a => string.Equals(a.Address, to, StringComparison.OrdinalIgnoreCase))).ToList()
            : [];

    private List<MimeKit.MimeMessage> AlertEmails(string to) => Emails(to).Where(m => !IsConfirmation(m)).ToList();

    private async Task<MimeKit.MimeMessage> EmailAsync(string to, Func<MimeKit.MimeMessage, bool> predicate, string what, TimeSpan? within = null, bool confirmations = false)
    {
        MimeKit.MimeMessage? found = null;
        await UntilAsync(
            () => Task.FromResult((found = (confirmations ? Emails(to) : AlertEmails(to)).FirstOrDefault(predicate)) is not null),
            what + " reaches " + to,
            within ?? TimeSpan.FromSeconds(90));
        return found!;
    }

    private static (int Status, string? Body, IDictionary<string, string>? Headers) Json(string body) =>
        (200, body, new Dictionary<string, string> { ["Content-Type"] = "application/json" });

    private static string? Source(JsonNode change) => (string?)change["source"];

    private static string? Firm(JsonNode change) => (string?)change["firm"];

    private static DateTimeOffset NewYork(DateOnly date, TimeOnly time)
    {
        var zone = TimeZoneInfo.FindSystemTimeZoneById("America/New_York");
        var local = date.ToDateTime(time);
        return new DateTimeOffset(local, zone.GetUtcOffset(local));
    }

    private async Task<LocalRunnerProcess> StartRunnerAsync(bool withPriceTargets)
    {
        var vendors = _vendors!.BaseUrl;
        var settings = new Dictionary<string, string>
        {
            ["Feeds__PollIntervalSeconds"] = "2",
            ["Admin__Keys"] = AdminKey,
            ["Feeds__Sources__0__Name"] = "benzinga",
            ["Feeds__Sources__0__Kind"] = "Benzinga",
            ["Feeds__Sources__0__BaseUrl"] = vendors + "/benzinga",
            ["Feeds__Sources__0__ApiKey"] = "bz-key",
            ["Feeds__Sources__0__LookbackDays"] = "365",
            ["Feeds__Sources__1__Name"] = "finnhub",
            ["Feeds__Sources__1__Kind"] = "Finnhub",
            ["Feeds__Sources__1__BaseUrl"] = vendors + "/finnhub/api/v1",
            ["Feeds__Sources__1__ApiKey"] = "fh-key",
            ["Feeds__Sources__1__Symbols"] = "BYND",
            ["Feeds__Sources__1__LookbackDays"] = "60",
            ["Feeds__Sources__2__Name"] = "fmp-grades",
            ["Feeds__Sources__2__Kind"] = "FmpGrades",
            ["Feeds__Sources__2__BaseUrl"] = vendors + "/fmp",
            ["Feeds__Sources__2__ApiKey"] = "fmp-key",
            ["Feeds__Sources__2__Symbols"] = "AAPL,NVDA",
            ["Feeds__Sources__2__RequestsPerDay"] = "100000",
        };
        if (withPriceTargets)
        {
            settings["Feeds__Sources__3__Name"] = "fmp-targets";
            settings["Feeds__Sources__3__Kind"] = "FmpPriceTargets";
            settings["Feeds__Sources__3__BaseUrl"] = vendors + "/fmp";
            settings["Feeds__Sources__3__ApiKey"] = "fmp-key";
            settings["Feeds__Sources__3__Symbols"] = "AAPL";
            settings["Feeds__Sources__3__LookbackDays"] = "365";
            settings["Feeds__Sources__3__RequestsPerDay"] = "100000";
            settings["Feeds__Sources__4__Name"] = "fmp-news";
            settings["Feeds__Sources__4__Kind"] = "FmpGradesNews";
            settings["Feeds__Sources__4__BaseUrl"] = vendors + "/fmp";
            settings["Feeds__Sources__4__ApiKey"] = "free-key";
            settings["Feeds__Sources__4__Symbols"] = "AAPL";
        }

        return await _system.StartRunnerAsync(settings);
    }

    private async Task<IReadOnlyList<JsonNode>> RatingsAsync(string ticker)
    {
        var history = await _http.GetFromJsonAsync<JsonObject>($"{Runner.BaseUrl}/api/ratings?ticker={ticker}&limit=1000");
        return history?["changes"]?.AsArray().Select(c => c!).ToList() ?? [];
    }

    private async Task UntilAsync(Func<Task<bool>> condition, string because, TimeSpan? within = null)
    {
        try
        {
            await Eventually.UntilAsync(condition, within ?? TimeSpan.FromSeconds(90), because);
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException($"{ex.Message}\nRunner output:\n{Runner.Output}", ex);
        }
    }
}
