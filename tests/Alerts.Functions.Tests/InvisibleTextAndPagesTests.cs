using Alerts.Core.Delivery;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;

namespace Alerts.Functions.Tests;

/// <summary>
/// Issue 19, finding 7: bidirectional and zero-width characters never reach a stored change, a subscription or an email;
/// every HTML page carries the headers that keep it to itself; the "confirmed" page carries no manage token.
/// </summary>
[Collection(AlertsAppCollection.Name)]
public sealed class InvisibleTextAndPagesTests(AlertsApp app)
{
    /// <summary>Right-to-left override, zero-width space and joiner, left-to-right mark, isolates, byte order mark.</summary>
    private static readonly char[] Invisible = ['\u202A', '\u202B', '\u202C', '\u202D', '\u202E', '\u2066', '\u2067', '\u2068', '\u2069', '\u200B', '\u200C', '\u200D', '\u200E', '\u200F', '\uFEFF', '\u2060', '\u061C'];

    private static string Json(string value) => System.Text.Json.JsonSerializer.Serialize(value);

    /// <summary>Every string value in <paramref name="element"/>, decoded (the raw JSON escapes non-ASCII characters).</summary>
    private static IEnumerable<string> Strings(System.Text.Json.JsonElement element) => element.ValueKind switch
    {
        System.Text.Json.JsonValueKind.String => [element.GetString()!],
        System.Text.Json.JsonValueKind.Object => element.EnumerateObject().SelectMany(p => Strings(p.Value)),
        System.Text.Json.JsonValueKind.Array => element.EnumerateArray().SelectMany(Strings),
        _ => [],
    };

    [Fact]
    public async Task PostRatings_BidiAndZeroWidthInFields_AreStrippedFromTheStoredChangeAndTheAlertSubject()
    {
        var email = TestData.Email();
        var ticker = TestData.Ticker();
        await app.SubscribeAndConfirmAsync(email, $"[\"{ticker}\"]");
        var body = $"{{\"ticker\":\"{ticker}\",\"firm\":{Json("UBS\u200B")},\"fromRating\":{Json("Sell\u202E")},\"toRating\":{Json("Bu\u200By\u2066")}," +
                   $"\"company\":{Json("Example\u202E Holdings")},\"analyst\":{Json("\u200FJane Doe")},\"source\":{Json("te\uFEFFsts")}}}";

        var response = await app.PostRatingsAsync(body);
        await app.Dispatch.RunAsync(new TimerInfo(), CancellationToken.None);

        Assert.Equal(StatusCodes.Status202Accepted, response.Status);
        var stored = Assert.Single((await app.GetRatingsAsync($"?ticker={ticker}")).Json().GetProperty("changes").EnumerateArray());
        Assert.Equal("Buy", stored.GetProperty("toRating").GetString());
        Assert.Equal("Sell", stored.GetProperty("fromRating").GetString());
        Assert.Equal("Example Holdings", stored.GetProperty("company").GetString());
        Assert.Equal("upgrade", stored.GetProperty("action").GetString());
        Assert.All(Strings(stored), value => Assert.Equal(-1, value.IndexOfAny(Invisible)));
        var alert = Assert.Single(app.AlertEmails(email));
        Assert.Equal(-1, (alert.Subject ?? string.Empty).IndexOfAny(Invisible));
        Assert.Equal(-1, (alert.TextBody ?? string.Empty).IndexOfAny(Invisible));
    }

    [Fact]
    public async Task PostRatings_NewsTextWithZeroWidthAndBidi_IsReadAsIfThereWereNone()
    {
        var ticker = TestData.Ticker();
        var text = $"Need\u200Bham down\u200Bgrades Example Holdings ({ticker}) to Hold from \u202EBuy";

        var response = await app.PostRatingsAsync(text, "text/plain");

        Assert.Equal(StatusCodes.Status202Accepted, response.Status);
        var change = Assert.Single(response.Json().GetProperty("changes").EnumerateArray());
        Assert.Equal("downgrade", change.GetProperty("action").GetString());
        Assert.All(Strings(change), value => Assert.Equal(-1, value.IndexOfAny(Invisible)));
    }

    [Fact]
    public async Task PostSubscriptions_BidiAndZeroWidthInFirmsAndAddress_AreStripped()
    {
        var email = TestData.Email();
        var withInvisible = email.Insert(3, "\u200B");
        var created = await app.CallAsync(
            r => app.Subscriptions.CreateAsync(r, CancellationToken.None), "POST", "/api/subscriptions",
            $"{{\"email\":{Json(withInvisible)},\"tickers\":[\"AAPL\"],\"firms\":[{Json("U\u202EBS")}]}}", "application/json");

        Assert.Equal(StatusCodes.Status201Created, created.Status);
        var confirmation = Assert.Single(app.Emails(email));
        Assert.Equal(-1, confirmation.To.ToString().IndexOfAny(Invisible));
        var id = created.Json().GetProperty("id").GetString()!;
        var token = app.Services.GetRequiredService<Links>().ManageToken(id);
        var view = await app.CallAsync(r => app.Subscriptions.GetAsync(r, id, CancellationToken.None), "GET", $"/api/subscriptions/{id}?token={token}");
        Assert.Equal("UBS", Assert.Single(view.Json().GetProperty("firms").EnumerateArray()).GetString());
    }

    public static TheoryData<string> Pages() => ["confirm page", "confirmed page", "unsubscribe page", "unsubscribed page", "invalid link page", "manage page"];

    [Theory]
    [MemberData(nameof(Pages))]
    public async Task EveryHtmlPage_CarriesCspFrameAncestorsNoStoreAndNoReferrer(string page)
    {
        var response = await PageAsync(page, await SubscribeAsync());

        Assert.StartsWith("text/html", response.ContentType, StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", response.Headers["Content-Security-Policy"], StringComparison.Ordinal);
        Assert.Contains("default-src 'none'", response.Headers["Content-Security-Policy"], StringComparison.Ordinal);
        Assert.Equal("no-store", response.Headers["Cache-Control"]);
        Assert.Equal("no-referrer", response.Headers["Referrer-Policy"]);
        Assert.Equal("nosniff", response.Headers["X-Content-Type-Options"]);
    }

    [Fact]
    public async Task ConfirmedPage_CarriesNoManageToken()
    {
        var subscription = await SubscribeAsync();

        var response = await PageAsync("confirmed page", subscription);

        Assert.Equal(StatusCodes.Status200OK, response.Status);
        Assert.DoesNotContain("token=", response.Body, StringComparison.Ordinal);
        Assert.DoesNotContain(app.Services.GetRequiredService<Links>().ManageToken(subscription.Id), response.Body, StringComparison.Ordinal);
    }

    private sealed record Subscribed(string Id, Uri ConfirmLink);

    private async Task<Subscribed> SubscribeAsync()
    {
        var email = TestData.Email();
        var created = await app.CallAsync(r => app.Subscriptions.CreateAsync(r, CancellationToken.None), "POST", "/api/subscriptions", $"{{\"email\":\"{email}\",\"tickers\":[\"AAPL\"]}}", "application/json");
        var id = created.Json().GetProperty("id").GetString()!;
        var link = AlertsApp.Links(app.Emails(email).Single(AlertsApp.IsConfirmation)).Single(l => l.AbsolutePath.Contains("/confirm", StringComparison.Ordinal));
        return new Subscribed(id, link);
    }

    private Task<AlertsApp.Response> PageAsync(string page, Subscribed s)
    {
        var html = new Dictionary<string, string> { ["Accept"] = "text/html" };
        var links = app.Services.GetRequiredService<Links>();
        var unsubscribe = new Uri(links.Unsubscribe(s.Id)).PathAndQuery;
        return page switch
        {
            "confirm page" => app.CallAsync(r => Task.FromResult(app.Subscriptions.ConfirmPage(r, s.Id)), "GET", s.ConfirmLink.PathAndQuery, headers: html),
            "confirmed page" => app.CallAsync(r => app.Subscriptions.ConfirmAsync(r, s.Id, CancellationToken.None), "POST", s.ConfirmLink.PathAndQuery, headers: html),
            "unsubscribe page" => app.CallAsync(r => Task.FromResult(app.Subscriptions.UnsubscribePage(r, s.Id)), "GET", unsubscribe, headers: html),
            "unsubscribed page" => app.CallAsync(r => app.Subscriptions.UnsubscribeAsync(r, s.Id, CancellationToken.None), "POST", unsubscribe, headers: html),
            "invalid link page" => app.CallAsync(r => Task.FromResult(app.Subscriptions.ConfirmPage(r, s.Id)), "GET", $"/api/subscriptions/{s.Id}/confirm?token=wrong", headers: html),
            _ => app.CallAsync(r => app.Subscriptions.ManagePage(r, s.Id, CancellationToken.None), "GET", new Uri(links.Manage(s.Id)).PathAndQuery, headers: html),
        };
    }
}
