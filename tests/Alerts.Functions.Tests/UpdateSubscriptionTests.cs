using System.Text.Json;
using Alerts.Core.Delivery;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;

namespace Alerts.Functions.Tests;

/// <summary><c>PUT /api/subscriptions/{id}</c>: tickers and rules replaced with the manage token, the ticker index following.</summary>
[Collection(AlertsAppCollection.Name)]
public sealed class UpdateSubscriptionTests(AlertsApp app)
{
    private string ManageToken(string id) => app.Services.GetRequiredService<Links>().ManageToken(id);

    private Task<AlertsApp.Response> PutAsync(string id, string body, string? token) =>
        app.CallAsync(
            r => app.Subscriptions.UpdateAsync(r, id, CancellationToken.None), "PUT", $"/api/subscriptions/{id}", body, "application/json",
            token is null ? null : new Dictionary<string, string> { ["Authorization"] = "Bearer " + token });

    private async Task<JsonElement> GetAsync(string id)
    {
        var response = await app.CallAsync(r => app.Subscriptions.GetAsync(r, id, CancellationToken.None), "GET", $"/api/subscriptions/{id}?token={Uri.EscapeDataString(ManageToken(id))}");
        Assert.Equal(StatusCodes.Status200OK, response.Status);
        return response.Json();
    }

    private async Task PostAndDispatchAsync(params string[] changes)
    {
        foreach (var change in changes)
        {
            Assert.Equal(StatusCodes.Status202Accepted, (await app.PostRatingsAsync(change)).Status);
        }

        await app.Dispatch.RunAsync(new TimerInfo(), CancellationToken.None);
    }

    private static string[] Strings(JsonElement array) => array.EnumerateArray().Select(e => e.GetString()!).ToArray();

    [Fact]
    public async Task UpdateSubscription_UnlistedTicker_SavedWithAWarningThatGetRepeats()
    {
        var id = await app.SubscribeAndConfirmAsync(TestData.Email(), "[\"MSFT\"]");

        var response = await PutAsync(id, "{\"tickers\":[\"MSFT\",\"NVDIA\"]}", ManageToken(id));

        Assert.Equal(StatusCodes.Status200OK, response.Status);
        var view = response.Json();
        Assert.Equal(["MSFT", "NVDIA"], Strings(view.GetProperty("tickers")));
        var warning = Assert.Single(view.GetProperty("warnings").EnumerateArray());
        Assert.Equal("tickers[1]", warning.GetProperty("field").GetString());
        Assert.Contains("NVDA", Strings(warning.GetProperty("suggestions")));
        Assert.Equal(view.ToString(), (await GetAsync(id)).ToString());
    }

    [Fact]
    public async Task UpdateSubscription_NewTickers_AlertsFollowTheNewTickersOnly()
    {
        var email = TestData.Email();
        var (kept, removed, added) = (TestData.Ticker(), TestData.Ticker(), TestData.Ticker());
        var id = await app.SubscribeAndConfirmAsync(email, $"[\"{kept}\",\"{removed}\"]");

        var response = await PutAsync(id, $"{{\"tickers\":[\"{kept}\",\"{added.ToLowerInvariant()}\"],\"actions\":[\"upgrade\"],\"excludeFirms\":[\"Citi\"],\"minRating\":\"buy\",\"direction\":\"positive\"}}", ManageToken(id));

        Assert.Equal(StatusCodes.Status200OK, response.Status);
        var view = response.Json();
        Assert.Equal([kept, added], Strings(view.GetProperty("tickers")));
        Assert.Equal(["upgrade"], Strings(view.GetProperty("actions")));
        Assert.Equal(["Citi"], Strings(view.GetProperty("excludeFirms")));
        Assert.Equal("buy", view.GetProperty("minRating").GetString());
        Assert.Equal("positive", view.GetProperty("direction").GetString());
        Assert.False(view.GetProperty("paused").GetBoolean());
        Assert.Equal("active", view.GetProperty("status").GetString());
        Assert.Equal(email, view.GetProperty("email").GetString());
        Assert.Equal(view.ToString(), (await GetAsync(id)).ToString());

        await PostAndDispatchAsync(TestData.Change(removed), TestData.Change(added), TestData.Change(kept), TestData.Change(kept, firm: "Citigroup"));

        var subjects = app.AlertEmails(email).Select(m => m.Subject).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(
            new[] { $"JPMorgan upgrades {added} to Overweight from Neutral, PT $12 -> $18", $"JPMorgan upgrades {kept} to Overweight from Neutral, PT $12 -> $18" }.Order(StringComparer.Ordinal),
            subjects);
    }

    [Fact]
    public async Task UpdateSubscription_EmailLeftOutOrTheSame_IsAccepted()
    {
        var email = TestData.Email();
        var id = await app.SubscribeAndConfirmAsync(email, "[\"AAPL\"]");

        var same = await PutAsync(id, $"{{\"email\":\"{email.ToUpperInvariant()}\",\"tickers\":[\"MSFT\"]}}", ManageToken(id));

        Assert.Equal(StatusCodes.Status200OK, same.Status);
        Assert.Equal(email, same.Json().GetProperty("email").GetString());
        Assert.Equal(["MSFT"], Strings(same.Json().GetProperty("tickers")));
    }

    [Fact]
    public async Task UpdateSubscription_Paused_AlertsNobodyUntilResumed()
    {
        var email = TestData.Email();
        var ticker = TestData.Ticker();
        var id = await app.SubscribeAndConfirmAsync(email, $"[\"{ticker}\"]");

        Assert.True((await PutAsync(id, $"{{\"tickers\":[\"{ticker}\"],\"paused\":true}}", ManageToken(id))).Json().GetProperty("paused").GetBoolean());
        await PostAndDispatchAsync(TestData.Change(ticker, firm: "UBS"));
        Assert.Empty(app.AlertEmails(email));

        Assert.False((await PutAsync(id, $"{{\"tickers\":[\"{ticker}\"]}}", ManageToken(id))).Json().GetProperty("paused").GetBoolean());
        await PostAndDispatchAsync(TestData.Change(ticker, firm: "Citi"));
        Assert.StartsWith("Citi upgrades", Assert.Single(app.AlertEmails(email)).Subject, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UpdateSubscription_WhilePending_IsStoredAndIndexedOnConfirmation()
    {
        var email = TestData.Email();
        var (before, after) = (TestData.Ticker(), TestData.Ticker());
        var created = await app.CallAsync(r => app.Subscriptions.CreateAsync(r, CancellationToken.None), "POST", "/api/subscriptions", $"{{\"email\":\"{email}\",\"tickers\":[\"{before}\"]}}", "application/json");
        var id = created.Json().GetProperty("id").GetString()!;

        var updated = await PutAsync(id, $"{{\"tickers\":[\"{after}\"],\"minRating\":\"hold\"}}", ManageToken(id));
        Assert.Equal(StatusCodes.Status200OK, updated.Status);
        Assert.Equal("pending", updated.Json().GetProperty("status").GetString());

        // Nothing is indexed before the confirmation...
        await PostAndDispatchAsync(TestData.Change(after, firm: "UBS"));
        Assert.Empty(app.AlertEmails(email));

        // ...and confirming indexes the tickers and rules as they are now.
        var link = AlertsApp.Links(app.Emails(email).Single(AlertsApp.IsConfirmation)).Single();
        Assert.Equal(StatusCodes.Status200OK, (await app.CallAsync(r => app.Subscriptions.ConfirmAsync(r, id, CancellationToken.None), "POST", link.PathAndQuery)).Status);
        await PostAndDispatchAsync(TestData.Change(before), TestData.Change(after, firm: "Citi"));

        Assert.StartsWith($"Citi upgrades {after}", Assert.Single(app.AlertEmails(email)).Subject, StringComparison.Ordinal);
        Assert.Equal([after], Strings((await GetAsync(id)).GetProperty("tickers")));
    }

    [Fact]
    public async Task UpdateSubscription_WrongToken_Answers404AndChangesNothing()
    {
        var id = await app.SubscribeAndConfirmAsync(TestData.Email(), "[\"AAPL\"]");
        var otherId = await app.SubscribeAndConfirmAsync(TestData.Email(), "[\"AAPL\"]");
        var before = (await GetAsync(id)).ToString();
        const string body = "{\"tickers\":[\"TSLA\"]}";

        var statuses = new[]
        {
            (await PutAsync(id, body, ManageToken(otherId))).Status,
            (await PutAsync(id, body, token: null)).Status,
            (await PutAsync(id, body, "0.AAAA")).Status,
            (await PutAsync(id, body, app.Services.GetRequiredService<Alerts.Core.Security.LinkTokens>().Create(Alerts.Core.Security.LinkPurpose.Unsubscribe, id))).Status,
            (await PutAsync("0123456789abcdef0123456789abcdef", body, ManageToken("0123456789abcdef0123456789abcdef"))).Status,
        };

        Assert.All(statuses, s => Assert.Equal(StatusCodes.Status404NotFound, s));
        Assert.Equal(before, (await GetAsync(id)).ToString());
    }

    [Theory]
    [InlineData("{\"tickers\":[]}", "tickers")]
    [InlineData("{\"actions\":[\"upgrade\"]}", "tickers")]
    [InlineData("{\"tickers\":[\"TSLA\",\"NO WAY\"]}", "tickers[1]")]
    [InlineData("{\"tickers\":[\"TSLA\"],\"actions\":[\"moon\"]}", "actions[0]")]
    [InlineData("{\"tickers\":[\"TSLA\"],\"firms\":[7]}", "firms[0]")]
    [InlineData("{\"tickers\":[\"TSLA\"],\"excludeFirms\":\"UBS\"}", "excludeFirms")]
    [InlineData("{\"tickers\":[\"TSLA\"],\"firms\":[\"J.P. Morgan\"],\"excludeFirms\":[\"JPM\"]}", "excludeFirms[0]")]
    [InlineData("{\"tickers\":[\"TSLA\"],\"minTargetChangePct\":1001}", "minTargetChangePct")]
    [InlineData("{\"tickers\":[\"TSLA\"],\"minRating\":\"bullish\"}", "minRating")]
    [InlineData("{\"tickers\":[\"TSLA\"],\"direction\":\"sideways\"}", "direction")]
    [InlineData("{\"tickers\":[\"TSLA\"],\"paused\":\"yes\"}", "paused")]
    [InlineData("{\"tickers\":[\"TSLA\"],\"email\":\"someone-else@example.com\"}", "email")]
    [InlineData("{\"tickers\":[\"TSLA\"],\"email\":\"not an address\"}", "email")]
    [InlineData("[\"TSLA\"]", "body")]
    [InlineData("{\"tickers\":", "body")]
    public async Task UpdateSubscription_BadInput_Answers400NamingTheFieldAndChangesNothing(string body, string field)
    {
        var email = TestData.Email();
        var ticker = TestData.Ticker();
        var id = await app.SubscribeAndConfirmAsync(email, $"[\"{ticker}\"]", ",\"actions\":[\"upgrade\"],\"minTargetChangePct\":5");
        var before = (await GetAsync(id)).ToString();

        var response = await PutAsync(id, body, ManageToken(id));

        Assert.Equal(StatusCodes.Status400BadRequest, response.Status);
        Assert.Equal("application/problem+json", response.ContentType);
        var error = Assert.Single(response.Json().GetProperty("errors").EnumerateArray(), e => e.GetProperty("field").GetString() == field);
        Assert.False(string.IsNullOrWhiteSpace(error.GetProperty("message").GetString()));
        Assert.Equal(before, (await GetAsync(id)).ToString());

        // The index is untouched too: the old ticker still alerts.
        await PostAndDispatchAsync(TestData.Change(ticker));
        Assert.Single(app.AlertEmails(email));
    }

    [Fact]
    public async Task UpdateSubscription_ChangingTheAddress_IsRefusedAndSaysWhy()
    {
        var id = await app.SubscribeAndConfirmAsync(TestData.Email(), "[\"AAPL\"]");

        var response = await PutAsync(id, "{\"email\":\"new-address@example.com\",\"tickers\":[\"AAPL\"]}", ManageToken(id));

        Assert.Equal(StatusCodes.Status400BadRequest, response.Status);
        Assert.Contains("cannot be changed", response.Json().GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Empty(app.Emails("new-address@example.com"));
    }

    [Fact]
    public async Task UpdateSubscription_BodyOver64KiB_Answers413()
    {
        var id = await app.SubscribeAndConfirmAsync(TestData.Email(), "[\"AAPL\"]");

        var response = await PutAsync(id, "{\"tickers\":[\"AAPL\"],\"pad\":\"" + new string('p', 70_000) + "\"}", ManageToken(id));

        Assert.Equal(StatusCodes.Status413PayloadTooLarge, response.Status);
        Assert.Equal(["AAPL"], Strings((await GetAsync(id)).GetProperty("tickers")));
    }

    [Fact]
    public async Task ManagePage_WithTheManageToken_IsThePreferencePageWithItsSecurityHeaders()
    {
        var id = await app.SubscribeAndConfirmAsync(TestData.Email(), "[\"AAPL\"]");

        var page = await app.CallAsync(
            r => app.Subscriptions.ManagePage(r, id, CancellationToken.None), "GET", $"/api/subscriptions/{id}/manage?token={Uri.EscapeDataString(ManageToken(id))}",
            headers: new Dictionary<string, string> { ["Accept"] = "text/html" });

        Assert.Equal(StatusCodes.Status200OK, page.Status);
        Assert.StartsWith("text/html", page.ContentType, StringComparison.Ordinal);
        var csp = page.Headers["Content-Security-Policy"];
        Assert.Contains("script-src 'self'", csp, StringComparison.Ordinal);
        Assert.Contains("style-src 'self'", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-inline", csp, StringComparison.Ordinal);
        Assert.Equal("nosniff", page.Headers["X-Content-Type-Options"]);
        Assert.Equal("no-referrer", page.Headers["Referrer-Policy"]);
        Assert.Contains("<meta name=\"viewport\"", page.Body, StringComparison.Ordinal);
        Assert.Contains($"data-api=\"/api/subscriptions/{id}\"", page.Body, StringComparison.Ordinal);
        Assert.Contains("<script src=\"/api/assets/manage.js?v=", page.Body, StringComparison.Ordinal);
        Assert.DoesNotContain("<script>", page.Body, StringComparison.Ordinal);
        Assert.DoesNotContain("<style", page.Body, StringComparison.Ordinal);
        Assert.DoesNotContain(" style=", page.Body, StringComparison.Ordinal);
        Assert.Contains($"action=\"/api/subscriptions/{id}/unsubscribe?token=", page.Body, StringComparison.Ordinal);
        Assert.Contains("role=\"status\"", page.Body, StringComparison.Ordinal);

        // Every control has a label.
        foreach (var control in System.Text.RegularExpressions.Regex.Matches(page.Body, "<(?:input|textarea|select)[^>]*\\sid=\"([^\"]+)\"").Select(m => m.Groups[1].Value))
        {
            Assert.Contains($"<label for=\"{control}\"", page.Body, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("manage.js", "text/javascript; charset=utf-8", "fetch(")]
    [InlineData("manage.css", "text/css; charset=utf-8", ":focus-visible")]
    public async Task Assets_AreServedFromTheAssemblyWithNosniff(string name, string contentType, string content)
    {
        var response = await app.CallAsync(r => Task.FromResult(app.Assets.Get(r, name)), "GET", "/api/assets/" + name);

        Assert.Equal(StatusCodes.Status200OK, response.Status);
        Assert.Equal(contentType, response.ContentType);
        Assert.Equal("nosniff", response.Headers["X-Content-Type-Options"]);
        Assert.Contains(content, response.Body, StringComparison.Ordinal);

        var cached = await app.CallAsync(
            r => Task.FromResult(app.Assets.Get(r, name)), "GET", "/api/assets/" + name,
            headers: new Dictionary<string, string> { ["If-None-Match"] = response.Headers["ETag"] });
        Assert.Equal(StatusCodes.Status304NotModified, cached.Status);
    }

    [Theory]
    [InlineData("manage.html")]
    [InlineData("..%2Fappsettings.json")]
    [InlineData("../Alerts.Api.dll")]
    [InlineData("MANAGE.JS")]
    public async Task Assets_AnythingElse_Answers404(string name)
    {
        var response = await app.CallAsync(r => Task.FromResult(app.Assets.Get(r, name)), "GET", "/api/assets/x");

        Assert.Equal(StatusCodes.Status404NotFound, response.Status);
        Assert.Equal("application/problem+json", response.ContentType);
    }
}
