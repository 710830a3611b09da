using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;

namespace Alerts.Functions.Tests;

[Collection(AlertsAppCollection.Name)]
public sealed class SubscriptionsFunctionsTests(AlertsApp app)
{
    [Fact]
    public async Task CreateSubscription_Valid_Answers201AndSendsOneConfirmationLink()
    {
        var email = TestData.Email();

        var response = await app.CallAsync(r => app.Subscriptions.CreateAsync(r, CancellationToken.None), "POST", "/api/subscriptions", $"{{\"email\":\"{email}\",\"tickers\":[\"cifr\"]}}", "application/json");

        Assert.Equal(StatusCodes.Status201Created, response.Status);
        Assert.Equal("pending", response.Json().GetProperty("status").GetString());
        var confirmation = Assert.Single(app.Emails(email));
        Assert.Contains("Confirm", confirmation.Subject, StringComparison.Ordinal);
        var link = Assert.Single(AlertsApp.Links(confirmation));
        Assert.Contains("confirm", link.AbsolutePath, StringComparison.Ordinal);
        Assert.StartsWith("https://alerts.example.test/api/subscriptions/", link.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateSubscription_UnlistedTicker_Answers201WithAWarningAndSuggestions()
    {
        var email = TestData.Email();

        var response = await app.CallAsync(r => app.Subscriptions.CreateAsync(r, CancellationToken.None), "POST", "/api/subscriptions", $"{{\"email\":\"{email}\",\"tickers\":[\"msft\",\"BRK.B\",\"APPL\"]}}", "application/json");

        Assert.Equal(StatusCodes.Status201Created, response.Status);
        var warning = Assert.Single(response.Json().GetProperty("warnings").EnumerateArray());
        Assert.Equal("tickers[2]", warning.GetProperty("field").GetString());
        Assert.Equal("APPL", warning.GetProperty("ticker").GetString());
        Assert.Equal("not a listed ticker", warning.GetProperty("message").GetString());
        var suggestions = warning.GetProperty("suggestions").EnumerateArray().Select(e => e.GetString()).ToList();
        Assert.Equal("AAPL", suggestions[0]);
        Assert.Contains("APP", suggestions);
        Assert.Single(app.Emails(email));
    }

    [Fact]
    public async Task CreateSubscription_ListedTickers_AnswersWithoutWarnings()
    {
        var response = await app.CallAsync(r => app.Subscriptions.CreateAsync(r, CancellationToken.None), "POST", "/api/subscriptions", $"{{\"email\":\"{TestData.Email()}\",\"tickers\":[\"MSFT\",\"brk-b\"]}}", "application/json");

        Assert.Equal(StatusCodes.Status201Created, response.Status);
        Assert.False(response.Json().TryGetProperty("warnings", out _));
    }

    [Theory]
    [InlineData("{\"email\":\"not-an-address\",\"tickers\":[\"CIFR\"]}", "email")]
    [InlineData("{\"email\":\"a@example.com\\r\\nBcc: b@example.com\",\"tickers\":[\"CIFR\"]}", "email")]
    [InlineData("{\"tickers\":[\"CIFR\"]}", "email")]
    [InlineData("{\"email\":\"a@example.com\"}", "tickers")]
    [InlineData("{\"email\":\"a@example.com\",\"tickers\":[]}", "tickers")]
    [InlineData("{\"email\":\"a@example.com\",\"tickers\":[\"CI FR\"]}", "tickers[0]")]
    [InlineData("{\"email\":\"a@example.com\",\"tickers\":[\"CIFR\"],\"actions\":[\"moon\"]}", "actions[0]")]
    public async Task CreateSubscription_BadInput_Answers400AndSendsNothing(string body, string field)
    {
        var before = Directory.Exists(app.PickupDirectory) ? Directory.GetFiles(app.PickupDirectory).Length : 0;

        var response = await app.CallAsync(r => app.Subscriptions.CreateAsync(r, CancellationToken.None), "POST", "/api/subscriptions", body, "application/json");

        Assert.Equal(StatusCodes.Status400BadRequest, response.Status);
        Assert.Equal("application/problem+json", response.ContentType);
        Assert.Contains(response.Json().GetProperty("errors").EnumerateArray(), e => e.GetProperty("field").GetString() == field);
        Assert.Equal(before, Directory.Exists(app.PickupDirectory) ? Directory.GetFiles(app.PickupDirectory).Length : 0);
    }

    [Fact]
    public async Task ConfirmationLinkGet_ShowsAButtonAndConfirmsNothing()
    {
        var email = TestData.Email();
        var ticker = TestData.Ticker();
        await app.CallAsync(r => app.Subscriptions.CreateAsync(r, CancellationToken.None), "POST", "/api/subscriptions", $"{{\"email\":\"{email}\",\"tickers\":[\"{ticker}\"]}}", "application/json");
        var link = AlertsApp.Links(app.Emails(email).Single()).Single();
        var id = link.Segments[3].TrimEnd('/');

        var page = await app.CallAsync(r => Task.FromResult(app.Subscriptions.ConfirmPage(r, id)), "GET", link.PathAndQuery, headers: new Dictionary<string, string> { ["Accept"] = "text/html" });
        await app.PostRatingsAsync(TestData.Change(ticker));
        await app.Dispatch.RunAsync(new TimerInfo(), CancellationToken.None);

        Assert.Equal(StatusCodes.Status200OK, page.Status);
        Assert.Contains("<form method=\"post\"", page.Body, StringComparison.Ordinal);
        Assert.Single(app.Emails(email));
    }

    [Fact]
    public async Task Confirm_WithAnotherSubscriptionsToken_IsRefused()
    {
        var first = TestData.Email();
        var second = TestData.Email();
        await app.CallAsync(r => app.Subscriptions.CreateAsync(r, CancellationToken.None), "POST", "/api/subscriptions", $"{{\"email\":\"{first}\",\"tickers\":[\"AAPL\"]}}", "application/json");
        await app.CallAsync(r => app.Subscriptions.CreateAsync(r, CancellationToken.None), "POST", "/api/subscriptions", $"{{\"email\":\"{second}\",\"tickers\":[\"AAPL\"]}}", "application/json");
        var firstLink = AlertsApp.Links(app.Emails(first).Single()).Single();
        var secondId = AlertsApp.Links(app.Emails(second).Single()).Single().Segments[3].TrimEnd('/');

        var response = await app.CallAsync(r => app.Subscriptions.ConfirmAsync(r, secondId, CancellationToken.None), "POST", $"/api/subscriptions/{secondId}/confirm{firstLink.Query}");

        Assert.Equal(StatusCodes.Status404NotFound, response.Status);
    }

    [Fact]
    public async Task GetAndDeleteSubscription_NeedTheSubscriptionsOwnManageToken()
    {
        var email = TestData.Email();
        var id = await app.SubscribeAndConfirmAsync(email, "[\"MSFT\",\"NVDA\"]", ",\"actions\":[\"upgrade\",\"downgrade\"],\"firms\":[\"Merrill Lynch\"],\"minTargetChangePct\":10");
        var ticker = TestData.Ticker();
        await app.PostRatingsAsync(TestData.Change("MSFT", firm: "BofA", toTarget: 30));
        await app.Dispatch.RunAsync(new TimerInfo(), CancellationToken.None);
        var manage = AlertsApp.Links(app.Emails(email).Last()).First(l => l.AbsolutePath.EndsWith("/manage", StringComparison.Ordinal));
        var token = manage.Query["?token=".Length..];

        var noToken = await app.CallAsync(r => app.Subscriptions.GetAsync(r, id, CancellationToken.None), "GET", $"/api/subscriptions/{id}");
        var wrongToken = await app.CallAsync(r => app.Subscriptions.GetAsync(r, id, CancellationToken.None), "GET", $"/api/subscriptions/{id}?token=0.AAAA");
        var withQuery = await app.CallAsync(r => app.Subscriptions.GetAsync(r, id, CancellationToken.None), "GET", $"/api/subscriptions/{id}{manage.Query}");
        var withBearer = await app.CallAsync(r => app.Subscriptions.GetAsync(r, id, CancellationToken.None), "GET", $"/api/subscriptions/{id}", headers: new Dictionary<string, string> { ["Authorization"] = "Bearer " + Uri.UnescapeDataString(token) });

        Assert.Equal(StatusCodes.Status404NotFound, noToken.Status);
        Assert.Equal(StatusCodes.Status404NotFound, wrongToken.Status);
        Assert.Equal(StatusCodes.Status200OK, withQuery.Status);
        Assert.Equal(StatusCodes.Status200OK, withBearer.Status);
        var view = withQuery.Json();
        Assert.Equal(email, view.GetProperty("email").GetString());
        Assert.Equal("active", view.GetProperty("status").GetString());
        Assert.Equal(["BofA Securities"], view.GetProperty("firms").EnumerateArray().Select(f => f.GetString()));
        Assert.Equal(10m, view.GetProperty("minTargetChangePct").GetDecimal());

        var deleted = await app.CallAsync(r => app.Subscriptions.DeleteAsync(r, id, CancellationToken.None), "DELETE", $"/api/subscriptions/{id}{manage.Query}");
        var afterwards = await app.CallAsync(r => app.Subscriptions.GetAsync(r, id, CancellationToken.None), "GET", $"/api/subscriptions/{id}{manage.Query}");

        Assert.Equal(StatusCodes.Status204NoContent, deleted.Status);
        Assert.Equal(StatusCodes.Status404NotFound, afterwards.Status);
        Assert.NotNull(ticker);
    }

    [Fact]
    public async Task CreateSubscription_OneClientManyTimes_IsLimitedWith429AndRetryAfter()
    {
        var client = new Dictionary<string, string> { ["X-Forwarded-For"] = "198.51.100.7, 10.1.2.3" };
        var statuses = new List<int>();
        AlertsApp.Response last = null!;
        for (var i = 0; i < 6; i++)
        {
            last = await app.CallAsync(r => app.Subscriptions.CreateAsync(r, CancellationToken.None), "POST", "/api/subscriptions", $"{{\"email\":\"{TestData.Email()}\",\"tickers\":[\"AAPL\"]}}", "application/json", client);
            statuses.Add(last.Status);
        }

        Assert.Equal([201, 201, 201, 201, 201, 429], statuses);
        Assert.Equal("application/problem+json", last.ContentType);
        Assert.True(int.Parse(last.Headers["Retry-After"], System.Globalization.CultureInfo.InvariantCulture) > 0);
    }

    [Fact]
    public async Task CreateSubscription_SameAddressManyTimes_SendsAtMostThreeConfirmationsAnHour()
    {
        var email = TestData.Email();

        for (var i = 0; i < 5; i++)
        {
            var response = await app.CallAsync(r => app.Subscriptions.CreateAsync(r, CancellationToken.None), "POST", "/api/subscriptions", $"{{\"email\":\"{email}\",\"tickers\":[\"AAPL\"]}}", "application/json");
            Assert.Equal(StatusCodes.Status201Created, response.Status);
        }

        Assert.Equal(3, app.Emails(email).Count);
    }
}
