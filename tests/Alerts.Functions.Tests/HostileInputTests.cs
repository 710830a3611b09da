using System.Text;
using Alerts.Core.Security;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Alerts.Functions.Tests;

/// <summary>
/// Hundreds of malformed and hostile requests across every route, generated from a few lists of bad values and
/// hand-written cases: every one is answered 4xx with problem details, none 5xx, and nothing is stored or mailed.
/// </summary>
[Collection(AlertsAppCollection.Name)]
public sealed class HostileInputTests(AlertsApp app)
{
    /// <summary>Every hostile change names this ticker (when it names a valid one), so "nothing stored" is one query.</summary>
    private const string Ticker = "HOSTILE";

    private const string Id = "0123456789abcdef0123456789abcdef";

    /// <summary>The subscription that the PUT cases aim at, per app (the theory's cases run one after another).</summary>
    private static readonly Dictionary<AlertsApp, (string Id, string Token)> PutTargets = new(ReferenceEqualityComparer.Instance);

    public enum Route
    {
        PostRatingsSigned,
        PostRatingsUnsigned,
        GetRatings,
        PostSubscriptions,
        GetSubscription,
        PutSubscription,
        PutSubscriptionWithItsToken,
        DeleteSubscription,
        ConfirmPage,
        Confirm,
        UnsubscribePage,
        Unsubscribe,
        ManagePage,
        SendGridEvents,
        OpsSubscribers,
        OpsDeadLetters,
        OpsReplay,
    }

    public sealed record Case(string Name, Route Route, string? Body = null, string? ContentType = "application/json", string Query = "", string? Id = null, IReadOnlyDictionary<string, string>? Headers = null)
    {
        public override string ToString() => Name;
    }

    public static TheoryData<Case> Cases()
    {
        var cases = new List<Case>();

        // POST /api/ratings, signed: every field with every bad value of its kind.
        string Valid(string field, string json) =>
            "{" + string.Join(',', new Dictionary<string, string>
            {
                ["ticker"] = $"\"{Ticker}\"",
                ["firm"] = "\"UBS\"",
                ["toRating"] = "\"Buy\"",
                [field] = json,
            }.Select(p => $"\"{p.Key}\":{p.Value}")) + "}";

        string[] notStrings = ["12", "true", "[]", "{}", "1e400"];
        var badByField = new Dictionary<string, string[]>
        {
            ["ticker"] = ["\"\"", "\"   \"", "\"ABCDEFGHIJKLM\"", "\"ÄAPL\"", "\"ＡＡＰＬ\"", "\"AA\\nPL\"", "\"A'--\"", "\"A/B\"", "\"A#B\"", "\"../x\"", "\"<script>\"", "\"A B\"", "\".AAPL\"", "\"-AAPL\"", "\"AAPL\\u0000\"", .. notStrings],
            ["firm"] = ["\"\"", $"\"{new string('x', 101)}\"", "\"JPM\\r\\nBcc: x@example.com\"", "\"\\u0007\"", .. notStrings],
            ["company"] = [$"\"{new string('x', 101)}\"", "\"A\\u0000B\"", .. notStrings],
            ["analyst"] = [$"\"{new string('x', 101)}\"", "\"A\\nB\"", "12"],
            ["action"] = ["\"moon\"", "\"UPGRADE!!\"", "\"upgrade; drop table\"", "5", "[]"],
            ["fromRating"] = [$"\"{new string('x', 101)}\"", "\"Bu\\r\\ny\"", "7"],
            ["toRating"] = [$"\"{new string('x', 101)}\"", "\"Buy\\u0000\"", "7"],
            ["fromTarget"] = ["-1", "0", "\"12\"", "\"abc\"", "1e30", "true", "[]", "{}", "-0.0001"],
            ["toTarget"] = ["-1", "0", "\"12\"", "\"NaN\"", "1e30", "false", "[1]", "{\"a\":1}"],
            ["currency"] = ["\"US\"", "\"USDD\"", "\"12$\"", "\"€€€\"", "5"],
            ["publishedAt"] = ["\"yesterday\"", "\"2025-13-01T00:00:00Z\"", "\"9999-12-31T00:00:00Z\"", "\"12/02/2025\"", "\"0000-00-00\"", "123", "\"2025-12-02T25:00:00Z\""],
            ["url"] = ["\"javascript:alert(1)\"", "\"ftp://example.com/x\"", "\"data:text/html,<b>x</b>\"", $"\"http://example.com/{new string('a', 2100)}\"", "\"//evil.example\"", "\"not a url\"", "\"file:///etc/passwd\""],
            ["source"] = [$"\"{new string('s', 101)}\"", "\"a\\u001fb\""],
            ["id"] = [$"\"{new string('i', 201)}\"", "true", "[]"],
        };
        foreach (var (field, values) in badByField)
        {
            for (var i = 0; i < values.Length; i++)
            {
                cases.Add(new Case($"ratings: {field} #{i}", Route.PostRatingsSigned, Valid(field, values[i])));
            }
        }

        string[] malformedBodies =
        [
            "", " ", "{", "[", "{]", "nul", "null", "true", "42", "\"text\"", "[]", "[1,2]", "[[]]", "[null]", "{\"ticker\":", "{'ticker':'AAPL'}",
            "{\"ticker\":\"HOSTILE\",\"firm\":\"UBS\"}", // says nothing
            new string('[', 200) + new string(']', 200),
            "{\"a\":" + string.Concat(Enumerable.Repeat("{\"a\":", 100)) + "1" + new string('}', 101),
            $"[{Valid("ticker", "\"HOSTILE\"")},{Valid("toTarget", "-5")}]", // one bad item refuses the whole batch
        ];
        for (var i = 0; i < malformedBodies.Length; i++)
        {
            cases.Add(new Case($"ratings: malformed body #{i}", Route.PostRatingsSigned, malformedBodies[i]));
        }

        cases.Add(new Case("ratings: bad NDJSON line", Route.PostRatingsSigned, Valid("ticker", "\"HOSTILE\"") + "\n{oops\n", "application/x-ndjson"));
        cases.Add(new Case("ratings: NDJSON blank", Route.PostRatingsSigned, "\n\n   \n", "application/x-ndjson"));
        cases.Add(new Case("ratings: 1001 changes", Route.PostRatingsSigned, "[" + string.Join(',', Enumerable.Repeat(Valid("ticker", "\"HOSTILE\""), 1001)) + "]"));
        cases.Add(new Case("ratings: over 1 MiB", Route.PostRatingsSigned, "[" + new string(' ', 1024 * 1024) + "]"));
        foreach (var type in new[] { "application/xml", "text/html", "multipart/form-data; boundary=x", "application/x-www-form-urlencoded", "image/png" })
        {
            cases.Add(new Case($"ratings: content type {type}", Route.PostRatingsSigned, Valid("ticker", "\"HOSTILE\""), type));
        }

        // POST /api/ratings without a good signature.
        foreach (var (name, header) in new (string, string?)[]
        {
            ("no header", null), ("empty", ""), ("garbage", "garbage"), ("no v1", "t=1"), ("no t", "v1=" + new string('a', 64)),
            ("short v1", "t=1,v1=abc"), ("non-hex v1", "t=1,v1=" + new string('z', 64)), ("negative t", "t=-5,v1=" + new string('a', 64)),
            ("ancient", "t=1,v1=" + new string('a', 64)), ("sha256= style", "sha256=" + new string('a', 64)),
        })
        {
            cases.Add(new Case($"ratings unsigned: {name}", Route.PostRatingsUnsigned, Valid("ticker", "\"HOSTILE\""), Headers: header is null ? null : new Dictionary<string, string> { [WebhookSignature.HeaderName] = header }));
        }

        // GET /api/ratings.
        foreach (var query in new[]
        {
            "", "?ticker=", "?ticker=%00", "?ticker=A%27%20or%20PartitionKey%20ne%20%27", "?ticker=" + new string('A', 13), "?ticker=%C3%84PL",
            "?ticker=AAPL&limit=0", "?ticker=AAPL&limit=-1", "?ticker=AAPL&limit=1001", "?ticker=AAPL&limit=abc", "?ticker=AAPL&limit=1e3",
            "?ticker=AAPL&since=soon", "?ticker=AAPL&since=12/02/2025", "?ticker=AAPL&since=%27",
        })
        {
            cases.Add(new Case($"history: {query}", Route.GetRatings, Query: query));
        }

        // POST /api/subscriptions.
        string Sub(string email = "\"hostile@example.com\"", string tickers = "[\"HOSTILE\"]", string extra = "") => $"{{\"email\":{email},\"tickers\":{tickers}{extra}}}";
        string[] badEmails =
        [
            "\"\"", "\"plain\"", "\"a@b\"", "\"a@@example.com\"", "\"Ana <ana@example.com>\"", "\"a@example.com, b@example.com\"", "\"a@example.com\\r\\nBcc: b@example.com\"",
            "\"a@example.com\\nX: y\"", $"\"{new string('a', 250)}@example.com\"", "\"a@[127.0.0.1]\"", "\"a@-example.com\"", "\"a b@example.com\"", "\"<script>@example.com\"",
            "12", "null", "[\"a@example.com\"]", "{}",
        ];
        for (var i = 0; i < badEmails.Length; i++)
        {
            cases.Add(new Case($"subscribe: email #{i}", Route.PostSubscriptions, Sub(email: badEmails[i])));
        }

        string[] badTickers =
        [
            "null", "[]", "\"HOSTILE\"", "{}", "[1]", "[null]", "[\"\"]", "[\"ÄAPL\"]", "[\"A'B\"]", "[\"" + new string('A', 13) + "\"]", "[[\"AAPL\"]]",
            "[" + string.Join(',', Enumerable.Range(0, 501).Select(i => $"\"T{i}\"")) + "]",
        ];
        for (var i = 0; i < badTickers.Length; i++)
        {
            cases.Add(new Case($"subscribe: tickers #{i}", Route.PostSubscriptions, Sub(tickers: badTickers[i])));
        }

        string[] badRules =
        [
            ",\"actions\":[\"moon\"]", ",\"actions\":\"upgrade\"", ",\"actions\":[1]", ",\"firms\":\"UBS\"", ",\"firms\":[\"\"]",
            $",\"firms\":[\"{new string('f', 101)}\"]", ",\"firms\":[" + string.Join(',', Enumerable.Range(0, 101).Select(i => $"\"F{i}\"")) + "]",
            ",\"minTargetChangePct\":-1", ",\"minTargetChangePct\":0", ",\"minTargetChangePct\":1001", ",\"minTargetChangePct\":\"10\"", ",\"minTargetChangePct\":true",
            ",\"minTargetChangePct\":1e400", ",\"excludeFirms\":\"UBS\"", ",\"excludeFirms\":[null]", ",\"excludeFirms\":[\"UBS\\r\\nBcc: x@example.com\"]",
            ",\"excludeFirms\":[" + string.Join(',', Enumerable.Range(0, 101).Select(i => $"\"F{i}\"")) + "]", ",\"firms\":[\"JPM\"],\"excludeFirms\":[\"J.P. Morgan\"]",
            ",\"minRating\":\"unknown\"", ",\"minRating\":\"bullish\"", ",\"minRating\":5", ",\"minRating\":[\"buy\"]", ",\"minRating\":\"<script>\"",
            ",\"direction\":\"up\"", ",\"direction\":\"neutral\"", ",\"direction\":1", ",\"direction\":{}", ",\"paused\":\"true\"", ",\"paused\":1", ",\"paused\":[]",
            ",\"delivery\":\"weekly\"", ",\"delivery\":true", ",\"timeZone\":\"Mars/Olympus\"", ",\"timeZone\":\"../../etc/localtime\"", ",\"timeZone\":\"Pacific Standard Time\"",
            $",\"timeZone\":\"{new string('z', 300)}\"", ",\"digestTime\":\"25:00\"", ",\"digestTime\":\"7am\"", ",\"digestTime\":730",
            ",\"quietHours\":{\"start\":\"22:00\",\"end\":\"22:00\"}", ",\"quietHours\":{\"start\":\"22:00\"}", ",\"quietHours\":[\"22:00\",\"07:00\"]",
            ",\"maxPerHour\":0", ",\"maxPerHour\":1001", ",\"maxPerHour\":-5", ",\"maxPerHour\":1.5", ",\"maxPerHour\":\"10\"",
        ];
        for (var i = 0; i < badRules.Length; i++)
        {
            cases.Add(new Case($"subscribe: rules #{i}", Route.PostSubscriptions, Sub(extra: badRules[i])));
        }

        // PUT /api/subscriptions/{id} with the subscription's own manage token: the same bad bodies, and no new address.
        string Put(string tickers = "[\"HOSTILE\"]", string extra = "") => $"{{\"tickers\":{tickers}{extra}}}";
        for (var i = 0; i < badTickers.Length; i++)
        {
            cases.Add(new Case($"update: tickers #{i}", Route.PutSubscriptionWithItsToken, Put(tickers: badTickers[i])));
        }

        for (var i = 0; i < badRules.Length; i++)
        {
            cases.Add(new Case($"update: rules #{i}", Route.PutSubscriptionWithItsToken, Put(extra: badRules[i])));
        }

        for (var i = 0; i < badEmails.Length; i++)
        {
            if (badEmails[i] != "null")
            {
                cases.Add(new Case($"update: email #{i}", Route.PutSubscriptionWithItsToken, Put(extra: ",\"email\":" + badEmails[i])));
            }
        }

        cases.Add(new Case("update: another address", Route.PutSubscriptionWithItsToken, Put(extra: ",\"email\":\"someone-else@example.com\"")));
        foreach (var (name, body) in new[] { ("empty", ""), ("not json", "tickers=HOSTILE"), ("array", "[\"HOSTILE\"]"), ("string", "\"x\""), ("unclosed", "{\"tickers\":"), ("deep", new string('[', 100) + new string(']', 100)), ("over 64 KiB", "{\"tickers\":[\"HOSTILE\"],\"pad\":\"" + new string('p', 70_000) + "\"}") })
        {
            cases.Add(new Case($"update: body {name}", Route.PutSubscriptionWithItsToken, body));
        }

        foreach (var (name, body) in new[] { ("empty", ""), ("not json", "email=a@example.com"), ("array", "[]"), ("string", "\"x\""), ("unclosed", "{\"email\":"), ("over 64 KiB", "{\"email\":\"a@example.com\",\"tickers\":[\"AAPL\"],\"pad\":\"" + new string('p', 70_000) + "\"}") })
        {
            cases.Add(new Case($"subscribe: body {name}", Route.PostSubscriptions, body));
        }

        // Routes of one subscription: bad ids, and good-looking ids with bad tokens.
        string[] badIds = ["x", "..", "..%2F..%2Fetc", "'", "%00", new string('z', 32), Id.ToUpperInvariant(), Id + "0", "0123456789abcdef0123456789abcde'", "<script>"];
        string[] badTokens = ["", "?token=", "?token=0.AAAA", "?token=abc", "?token=1.2.3", "?token=" + new string('A', 300), "?token=99999999999.%00", "?token=0." + new string('A', 43)];
        foreach (var route in new[] { Route.GetSubscription, Route.PutSubscription, Route.DeleteSubscription, Route.ConfirmPage, Route.Confirm, Route.UnsubscribePage, Route.Unsubscribe, Route.ManagePage })
        {
            foreach (var id in badIds)
            {
                cases.Add(new Case($"{route}: id {id}", route, Query: "?token=0.AAAA", Id: id));
            }

            foreach (var token in badTokens)
            {
                cases.Add(new Case($"{route}: token {token}", route, Query: token, Id: Id));
            }
        }

        // POST /api/sendgrid/events without SendGrid's signature.
        foreach (var (name, headers) in new (string, Dictionary<string, string>?)[]
        {
            ("unsigned", null),
            ("garbage signature", new() { [SendGridEventSignature.SignatureHeader] = "!!", [SendGridEventSignature.TimestampHeader] = "1" }),
            ("bad timestamp", new() { [SendGridEventSignature.SignatureHeader] = "c2ln", [SendGridEventSignature.TimestampHeader] = "soon" }),
            ("wrong signature", new() { [SendGridEventSignature.SignatureHeader] = "MEUCIQDY", [SendGridEventSignature.TimestampHeader] = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture) }),
        })
        {
            cases.Add(new Case($"sendgrid events: {name}", Route.SendGridEvents, "[{\"email\":\"hostile@example.com\",\"event\":\"unsubscribe\"}]", Headers: headers));
        }

        // Operator routes without the admin key.
        foreach (var route in new[] { Route.OpsSubscribers, Route.OpsDeadLetters, Route.OpsReplay })
        {
            foreach (var (name, headers) in new (string, Dictionary<string, string>?)[]
            {
                ("no key", null),
                ("empty key", new() { ["X-Alerts-Admin-Key"] = "" }),
                ("wrong key", new() { ["X-Alerts-Admin-Key"] = "guess" }),
                ("key with a suffix", new() { ["X-Alerts-Admin-Key"] = AlertsApp.AdminKey + "x" }),
                ("key prefix", new() { ["X-Alerts-Admin-Key"] = AlertsApp.AdminKey[..^1] }),
                ("wrong bearer", new() { ["Authorization"] = "Bearer guess" }),
                ("basic auth", new() { ["Authorization"] = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("admin:" + AlertsApp.AdminKey)) }),
            })
            {
                cases.Add(new Case($"{route}: {name}", route, Query: "?ticker=AAPL", Headers: headers));
            }
        }

        var data = new TheoryData<Case>();
        foreach (var c in cases)
        {
            data.Add(c);
        }

        return data;
    }

    [Fact]
    public void Corpus_HasAtLeastTwoHundredCases() => Assert.True(Cases().Count >= 200, $"{Cases().Count} cases");

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task HostileRequest_Answers4xxProblemDetails_StoresAndMailsNothing(Case c)
    {
        (string Id, string Token)? target = c.Route == Route.PutSubscriptionWithItsToken ? await PutTargetAsync() : null;
        var subscriptionBefore = target is null ? null : await ReadAsync(target.Value.Id, target.Value.Token);
        var mailBefore = MailCount();

        var response = await SendAsync(c, target);

        Assert.InRange(response.Status, 400, 499);
        Assert.Equal("application/problem+json", response.ContentType);
        Assert.Equal(0, (await app.GetRatingsAsync($"?ticker={Ticker}")).Json().GetProperty("count").GetInt32());
        Assert.Equal(mailBefore, MailCount());
        if (target is { } t)
        {
            Assert.Equal(subscriptionBefore, await ReadAsync(t.Id, t.Token));
        }
    }

    /// <summary>The one real subscription that the PUT cases try to spoil, made on first use (the collection's tests run one at a time).</summary>
    private async Task<(string Id, string Token)> PutTargetAsync()
    {
        if (PutTargets.TryGetValue(app, out var target))
        {
            return target;
        }

        var id = await app.SubscribeAndConfirmAsync("hostile-put@example.com", $"[\"{Ticker}\"]", ",\"actions\":[\"upgrade\"],\"firms\":[\"UBS\"],\"minRating\":\"hold\",\"timeZone\":\"Europe/Paris\",\"quietHours\":{\"start\":\"22:00\",\"end\":\"07:00\"},\"maxPerHour\":5");
        target = (id, app.Services.GetRequiredService<Alerts.Core.Delivery.Links>().ManageToken(id));
        PutTargets.Add(app, target);
        return target;
    }

    private async Task<string> ReadAsync(string id, string token)
    {
        var response = await app.CallAsync(r => app.Subscriptions.GetAsync(r, id, CancellationToken.None), "GET", $"/api/subscriptions/{id}", headers: new Dictionary<string, string> { ["Authorization"] = "Bearer " + token });
        Assert.Equal(StatusCodes.Status200OK, response.Status);
        return response.Body;
    }

    private int MailCount() => Directory.Exists(app.PickupDirectory) ? Directory.GetFiles(app.PickupDirectory).Length : 0;

    private Task<AlertsApp.Response> SendAsync(Case c, (string Id, string Token)? target)
    {
        var headers = c.Headers?.ToDictionary() ?? new Dictionary<string, string>();
        var id = c.Id ?? Id;
        var path = $"/api/subscriptions/{id}";
        return c.Route switch
        {
            Route.PostRatingsSigned => app.PostRatingsAsync(c.Body!, c.ContentType!),
            Route.PostRatingsUnsigned => app.CallAsync(r => app.Ratings.PostAsync(r, CancellationToken.None), "POST", "/api/ratings", c.Body, c.ContentType, headers),
            Route.GetRatings => app.GetRatingsAsync(c.Query),
            Route.PostSubscriptions => app.CallAsync(r => app.Subscriptions.CreateAsync(r, CancellationToken.None), "POST", "/api/subscriptions", c.Body, c.ContentType),
            Route.GetSubscription => app.CallAsync(r => app.Subscriptions.GetAsync(r, id, CancellationToken.None), "GET", path + c.Query),
            Route.PutSubscription => app.CallAsync(r => app.Subscriptions.UpdateAsync(r, id, CancellationToken.None), "PUT", path + c.Query, "{\"tickers\":[\"HOSTILE\"]}", "application/json"),
            Route.PutSubscriptionWithItsToken => app.CallAsync(
                r => app.Subscriptions.UpdateAsync(r, target!.Value.Id, CancellationToken.None), "PUT", $"/api/subscriptions/{target!.Value.Id}", c.Body, c.ContentType,
                new Dictionary<string, string> { ["Authorization"] = "Bearer " + target.Value.Token }),
            Route.DeleteSubscription => app.CallAsync(r => app.Subscriptions.DeleteAsync(r, id, CancellationToken.None), "DELETE", path + c.Query),
            Route.ConfirmPage => app.CallAsync(r => Task.FromResult(app.Subscriptions.ConfirmPage(r, id)), "GET", path + "/confirm" + c.Query),
            Route.Confirm => app.CallAsync(r => app.Subscriptions.ConfirmAsync(r, id, CancellationToken.None), "POST", path + "/confirm" + c.Query),
            Route.UnsubscribePage => app.CallAsync(r => Task.FromResult(app.Subscriptions.UnsubscribePage(r, id)), "GET", path + "/unsubscribe" + c.Query),
            Route.Unsubscribe => app.CallAsync(r => app.Subscriptions.UnsubscribeAsync(r, id, CancellationToken.None), "POST", path + "/unsubscribe" + c.Query, "List-Unsubscribe=One-Click", "application/x-www-form-urlencoded"),
            Route.ManagePage => app.CallAsync(r => app.Subscriptions.ManagePage(r, id, CancellationToken.None), "GET", path + "/manage" + c.Query),
            Route.SendGridEvents => app.CallAsync(r => app.SendGridEvents.PostAsync(r, CancellationToken.None), "POST", "/api/sendgrid/events", c.Body, c.ContentType, headers),
            Route.OpsSubscribers => app.CallAsync(r => app.Admin.ListSubscribersAsync(r, CancellationToken.None), "GET", "/api/ops/subscribers" + c.Query, headers: headers),
            Route.OpsDeadLetters => app.CallAsync(r => app.Admin.ListDeadLettersAsync(r, CancellationToken.None), "GET", "/api/ops/dead-letters" + c.Query, headers: headers),
            Route.OpsReplay => app.CallAsync(r => app.Admin.ReplayDeadLettersAsync(r, CancellationToken.None), "POST", "/api/ops/dead-letters/replay" + c.Query, headers: headers),
            _ => throw new ArgumentOutOfRangeException(nameof(c)),
        };
    }
}
