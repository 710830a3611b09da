using System.Text.Json;
using Alerts.Core.Delivery;
using Alerts.Core.Digests;
using Alerts.Functions.Functions;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Alerts.Functions.Tests;

/// <summary>Delivery settings through the functions: stored and shown, refused when bad, and a digest instead of instant emails.</summary>
[Collection(AlertsAppCollection.Name)]
public sealed class DeliveryModesTests(AlertsApp app)
{
    private string ManageToken(string id) => app.Services.GetRequiredService<Links>().ManageToken(id);

    private Task<AlertsApp.Response> PutAsync(string id, string body) =>
        app.CallAsync(
            r => app.Subscriptions.UpdateAsync(r, id, CancellationToken.None), "PUT", $"/api/subscriptions/{id}", body, "application/json",
            new Dictionary<string, string> { ["Authorization"] = "Bearer " + ManageToken(id) });

    private async Task<JsonElement> GetAsync(string id) =>
        (await app.CallAsync(r => app.Subscriptions.GetAsync(r, id, CancellationToken.None), "GET", $"/api/subscriptions/{id}?token={Uri.EscapeDataString(ManageToken(id))}")).Json();

    /// <summary>The SendDigests function as the host runs it, its clock <paramref name="ahead"/> of the real one.</summary>
    private Task RunSendDigestsAsync(TimeSpan ahead)
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow.Add(ahead));
        var sender = ActivatorUtilities.CreateInstance<DigestSender>(app.Services, clock);
        return new SendDigestsFunction(sender, NullLogger<SendDigestsFunction>.Instance).RunAsync(new TimerInfo(), CancellationToken.None);
    }

    [Fact]
    public async Task DigestSubscriber_NoInstantEmail_ThenOneDigestWhenDue()
    {
        var email = TestData.Email();
        var ticker = TestData.Ticker();
        await app.SubscribeAndConfirmAsync(email, $"[\"{ticker}\"]", ",\"delivery\":\"digest\",\"timeZone\":\"Europe/Paris\",\"digestTime\":\"07:30\"");

        Assert.Equal(StatusCodes.Status202Accepted, (await app.PostRatingsAsync(TestData.Change(ticker))).Status);
        Assert.Equal(StatusCodes.Status202Accepted, (await app.PostRatingsAsync(TestData.Change(ticker, firm: "Citigroup"))).Status);
        await app.Dispatch.RunAsync(new TimerInfo(), CancellationToken.None);
        Assert.Empty(app.AlertEmails(email));

        // Before the dispatch: never due. A day later: due, whatever the hour now. Again after: nothing more.
        await RunSendDigestsAsync(TimeSpan.FromMinutes(-1));
        Assert.Empty(app.AlertEmails(email));
        await RunSendDigestsAsync(TimeSpan.FromHours(25));
        await RunSendDigestsAsync(TimeSpan.FromHours(26));

        var digest = Assert.Single(app.AlertEmails(email));
        Assert.Equal("Alerts digest: 2 changes on 1 ticker", digest.Subject);
        Assert.Contains($"JPMorgan upgrades {ticker}", digest.TextBody);
        Assert.Contains($"Citi upgrades {ticker}", digest.TextBody);
        Assert.Equal("List-Unsubscribe=One-Click", digest.Headers["List-Unsubscribe-Post"]);
        Assert.Contains("/unsubscribe?token=", digest.Headers["List-Unsubscribe"]);
    }

    [Fact]
    public async Task PutDeliverySettings_StoredAndShown()
    {
        var id = await app.SubscribeAndConfirmAsync(TestData.Email(), "[\"AAPL\"]");
        Assert.Equal("instant", (await GetAsync(id)).GetProperty("delivery").GetString());

        var response = await PutAsync(id, """{"tickers":["AAPL"],"delivery":"digest","timeZone":"America/New_York","digestTime":"06:45","quietHours":{"start":"21:30","end":"06:00"},"maxPerHour":7}""");

        Assert.Equal(StatusCodes.Status200OK, response.Status);
        var view = await GetAsync(id);
        Assert.Equal("digest", view.GetProperty("delivery").GetString());
        Assert.Equal("America/New_York", view.GetProperty("timeZone").GetString());
        Assert.Equal("06:45", view.GetProperty("digestTime").GetString());
        Assert.Equal("21:30", view.GetProperty("quietHours").GetProperty("start").GetString());
        Assert.Equal("06:00", view.GetProperty("quietHours").GetProperty("end").GetString());
        Assert.Equal(7, view.GetProperty("maxPerHour").GetInt32());
    }

    [Theory]
    [InlineData("\"timeZone\":\"Europe/Atlantis\"", "timeZone")]
    [InlineData("\"digestTime\":\"24:30\"", "digestTime")]
    [InlineData("\"quietHours\":{\"start\":\"22:00\",\"end\":\"7\"}", "quietHours.end")]
    [InlineData("\"maxPerHour\":0", "maxPerHour")]
    [InlineData("\"maxPerHour\":1001", "maxPerHour")]
    [InlineData("\"delivery\":\"hourly\"", "delivery")]
    public async Task PutBadDeliverySetting_400NamingTheField_NothingChanged(string member, string field)
    {
        var id = await app.SubscribeAndConfirmAsync(TestData.Email(), "[\"AAPL\"]", ",\"delivery\":\"digest\",\"timeZone\":\"Europe/Paris\"");
        var before = (await GetAsync(id)).ToString();

        var response = await PutAsync(id, $"{{\"tickers\":[\"MSFT\"],{member}}}");

        Assert.Equal(StatusCodes.Status400BadRequest, response.Status);
        Assert.Equal("application/problem+json", response.ContentType);
        Assert.Contains(response.Json().GetProperty("errors").EnumerateArray(), e => e.GetProperty("field").GetString() == field);
        Assert.Equal(before, (await GetAsync(id)).ToString());
    }
}
