using System.Text;
using System.Text.Json;
using Alerts.Core.Channels;
using Alerts.Core.Delivery;
using Alerts.Core.Ingest;
using Alerts.Core.Matching;
using Alerts.Core.Security;
using Alerts.Testing;
using Azure.Storage.Queues;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;

namespace Alerts.Functions.Tests;

/// <summary>
/// Channels beyond email through the functions, against local stand-in receivers (real HTTP servers recording what they
/// received) over Azurite: verification before use, one delivery per alert and channel, retries, dead letters and pausing.
/// </summary>
[Collection(AlertsAppCollection.Name)]
public sealed class ChannelsTests(AlertsApp app)
{
    /// <summary>A webhook receiver as the contract asks: it echoes the url_verification challenge, and answers alerts with <paramref name="alerts"/>.</summary>
    private static Func<CapturedRequest, (int, string?, IDictionary<string, string>?)> Webhook(Func<CapturedRequest, int>? alerts = null) => request =>
    {
        using var body = JsonDocument.Parse(request.Body);
        return body.RootElement.GetProperty("type").GetString() == "url_verification"
            ? (StatusCodes.Status200OK, $"{{\"challenge\":\"{body.RootElement.GetProperty("challenge").GetString()}\"}}", null)
            : (alerts?.Invoke(request) ?? StatusCodes.Status200OK, null, null);
    };

    private static bool IsAlert(CapturedRequest request) => request.Body.Contains("\"type\":\"alert\"", StringComparison.Ordinal);

    private string ManageToken(string id) => app.Services.GetRequiredService<Links>().ManageToken(id);

    private Task<AlertsApp.Response> CreateAsync(string body) =>
        app.CallAsync(r => app.Subscriptions.CreateAsync(r, CancellationToken.None), "POST", "/api/subscriptions", body, "application/json");

    private Task<AlertsApp.Response> PutAsync(string id, string body) =>
        app.CallAsync(
            r => app.Subscriptions.UpdateAsync(r, id, CancellationToken.None), "PUT", $"/api/subscriptions/{id}", body, "application/json",
            new Dictionary<string, string> { ["Authorization"] = "Bearer " + ManageToken(id) });

    private async Task<JsonElement> GetAsync(string id) =>
        (await app.CallAsync(r => app.Subscriptions.GetAsync(r, id, CancellationToken.None), "GET", $"/api/subscriptions/{id}?token={Uri.EscapeDataString(ManageToken(id))}")).Json();

    /// <summary>Posts a change and runs every step after it: fan-out, the email dispatcher, then the channel deliveries.</summary>
    private async Task PostAndDeliverAsync(string ticker, string? changeId = null)
    {
        Assert.Equal(StatusCodes.Status202Accepted, (await app.PostRatingsAsync(TestData.Change(ticker, id: changeId))).Status);
        await app.Dispatch.RunAsync(new TimerInfo(), CancellationToken.None);
        await app.DeliverToChannelsAsync();
    }

    [Fact]
    public async Task Subscribe_WithEmailWebhookSlackAndTeams_SameAlertOnceOnEach()
    {
        await using var webhook = await CaptureServer.StartAsync(Webhook());
        await using var slack = await CaptureServer.StartAsync(_ => (StatusCodes.Status200OK, "ok", null));
        await using var teams = await CaptureServer.StartAsync(_ => (StatusCodes.Status202Accepted, null, null));
        var email = TestData.Email();
        var ticker = TestData.Ticker();

        var id = await app.SubscribeAndConfirmAsync(
            email, $"[\"{ticker}\"]",
            $",\"channels\":[{{\"type\":\"webhook\",\"url\":\"{webhook.BaseUrl}/hook\"}},{{\"type\":\"slack\",\"url\":\"{slack.BaseUrl}/services/T0/B0/x\"}},{{\"type\":\"teams\",\"url\":\"{teams.BaseUrl}/workflows/x\"}}]");

        // Each receiver was verified once before use; the secret is not shown again.
        Assert.Single(webhook.Requests);
        Assert.Contains("\"type\":\"url_verification\"", webhook.Requests[0].Body, StringComparison.Ordinal);
        Assert.Single(slack.Requests);
        Assert.Single(teams.Requests);
        var channels = (await GetAsync(id)).GetProperty("channels");
        Assert.Equal(3, channels.GetArrayLength());
        Assert.All(channels.EnumerateArray(), c => Assert.False(c.TryGetProperty("secret", out _)));

        // The queue delivers the fan-out message twice (at least once is its promise): nothing goes out twice.
        var changes = new QueueClient(app.Azurite.ConnectionString, ChangesStored.QueueName);
        await changes.CreateIfNotExistsAsync();
        Assert.Equal(StatusCodes.Status202Accepted, (await app.PostRatingsAsync(TestData.Change(ticker))).Status);
        var message = (await changes.PeekMessagesAsync(32)).Value.Single().Body.ToString();
        await app.Dispatch.RunAsync(new TimerInfo(), CancellationToken.None);
        await app.DeliverToChannelsAsync();
        await app.FanOut.RunAsync(message, CancellationToken.None);
        await app.Dispatch.RunAsync(new TimerInfo(), CancellationToken.None);
        await app.DeliverToChannelsAsync();

        var alertEmail = Assert.Single(app.AlertEmails(email));
        var posted = Assert.Single(webhook.Requests, IsAlert);
        var slackPost = Assert.Single(slack.Requests.Skip(1));
        var teamsPost = Assert.Single(teams.Requests.Skip(1));

        // The webhook: the alert as JSON, its id the email's alert id, signed with the channel's secret.
        using var payload = JsonDocument.Parse(posted.Body);
        var root = payload.RootElement;
        var changeId = root.GetProperty("change").GetProperty("id").GetString()!;
        Assert.Equal(AlertIds.For(changeId, id), root.GetProperty("id").GetString());
        Assert.Equal(id, root.GetProperty("subscriptionId").GetString());
        Assert.Equal(ticker, root.GetProperty("change").GetProperty("ticker").GetString());
        Assert.Equal("upgrade", root.GetProperty("change").GetProperty("action").GetString());
        Assert.EndsWith($"/t/{ticker}", root.GetProperty("links").GetProperty("ticker").GetString(), StringComparison.Ordinal);
        Assert.Contains("manage", root.GetProperty("links").GetProperty("manage").GetString(), StringComparison.Ordinal);
        Assert.Contains(ticker, alertEmail.Subject, StringComparison.Ordinal);

        // Slack: text and blocks; Teams: a message carrying an Adaptive Card.
        using var slackBody = JsonDocument.Parse(slackPost.Body);
        Assert.Contains(ticker, slackBody.RootElement.GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.Equal("section", slackBody.RootElement.GetProperty("blocks")[0].GetProperty("type").GetString());
        using var teamsBody = JsonDocument.Parse(teamsPost.Body);
        var attachment = teamsBody.RootElement.GetProperty("attachments")[0];
        Assert.Equal("message", teamsBody.RootElement.GetProperty("type").GetString());
        Assert.Equal("application/vnd.microsoft.card.adaptive", attachment.GetProperty("contentType").GetString());
        Assert.Equal("AdaptiveCard", attachment.GetProperty("content").GetProperty("type").GetString());
        Assert.Contains(ticker, attachment.GetProperty("content").GetProperty("body")[0].GetProperty("text").GetString(), StringComparison.Ordinal);

        // The secret was shown once, at creation: read it from the stored subscription to check the signature.
        var secret = (await app.Services.GetRequiredService<Core.Subscriptions.ISubscriptionStore>().GetAsync(id, CancellationToken.None))!.Channels.Single(c => c.Type == ChannelType.Webhook).Secret!;
        Assert.Equal(
            SignatureCheck.Valid,
            WebhookSignature.Verify(posted.Header(WebhookSignature.HeaderName), Encoding.UTF8.GetBytes(posted.Body), [secret], DateTimeOffset.UtcNow));
    }

    [Fact]
    public async Task Create_WithWebhook_ShowsItsSecretOnceInTheAnswer()
    {
        await using var webhook = await CaptureServer.StartAsync(Webhook());

        var created = await CreateAsync($"{{\"email\":\"{TestData.Email()}\",\"tickers\":[\"{TestData.Ticker()}\"],\"channels\":[{{\"type\":\"webhook\",\"url\":\"{webhook.BaseUrl}/hook\"}}]}}");

        Assert.Equal(StatusCodes.Status201Created, created.Status);
        var channel = created.Json().GetProperty("channels")[0];
        Assert.Equal("webhook", channel.GetProperty("type").GetString());
        Assert.StartsWith("whsec_", channel.GetProperty("secret").GetString(), StringComparison.Ordinal);
        var id = created.Json().GetProperty("id").GetString()!;
        Assert.False((await GetAsync(id)).GetProperty("channels")[0].TryGetProperty("secret", out _));
    }

    [Fact]
    public async Task Deliver_WebhookAnswering500ThreeTimesThen200_AcceptedExactlyOnce()
    {
        var answered = 0;
        await using var webhook = await CaptureServer.StartAsync(Webhook(_ => Interlocked.Increment(ref answered) <= 3 ? StatusCodes.Status500InternalServerError : StatusCodes.Status200OK));
        var ticker = TestData.Ticker();
        await app.SubscribeAndConfirmAsync(TestData.Email(), $"[\"{ticker}\"]", $",\"channels\":[{{\"type\":\"webhook\",\"url\":\"{webhook.BaseUrl}/hook\"}}]");

        await PostAndDeliverAsync(ticker);
        await app.DeliverToChannelsAsync();

        var attempts = webhook.Requests.Where(IsAlert).ToList();
        Assert.Equal(4, attempts.Count);
        Assert.Single(attempts.Select(a => JsonDocument.Parse(a.Body).RootElement.GetProperty("id").GetString()).Distinct());
        Assert.Equal(4, answered);
    }

    [Fact]
    public async Task Deliver_ReceiverFailingPastTheLimit_DeadLetteredAndPausedWithANote()
    {
        await using var webhook = await CaptureServer.StartAsync(Webhook(_ => StatusCodes.Status503ServiceUnavailable));
        var ticker = TestData.Ticker();
        var id = await app.SubscribeAndConfirmAsync(TestData.Email(), $"[\"{ticker}\"]", $",\"channels\":[{{\"type\":\"webhook\",\"url\":\"{webhook.BaseUrl}/hook\"}}]");
        var poison = new QueueClient(app.Azurite.ConnectionString, ChannelDelivery.PoisonQueueName);
        await poison.CreateIfNotExistsAsync();
        var poisonedBefore = (await poison.PeekMessagesAsync(32)).Value.Length;

        await PostAndDeliverAsync(ticker);

        var limit = new ChannelOptions().MaxAttempts;
        Assert.Equal(limit, webhook.Requests.Count(IsAlert));
        var deadLetters = (await poison.PeekMessagesAsync(32)).Value.Select(m => ChannelDelivery.Parse(m.Body.ToString())!).ToList();
        Assert.Equal(poisonedBefore + 1, deadLetters.Count);
        Assert.Contains(deadLetters, d => d.SubscriptionId == id);
        var channel = (await GetAsync(id)).GetProperty("channels")[0];
        Assert.True(channel.GetProperty("paused").GetBoolean());
        Assert.Contains("could not be delivered", channel.GetProperty("pausedNote").GetString(), StringComparison.Ordinal);

        // Paused: the next alert is not posted to it (the email still goes).
        await PostAndDeliverAsync(ticker, changeId: "second-" + Guid.NewGuid().ToString("N"));
        Assert.Equal(limit, webhook.Requests.Count(IsAlert));
    }

    [Fact]
    public async Task Create_ReceiverUnreachableAtVerification_400NamingTheFieldAndNothingStored()
    {
        var email = TestData.Email();
        var closed = $"http://127.0.0.1:{FreePorts.GetOne()}/hook";

        var response = await CreateAsync($"{{\"email\":\"{email}\",\"tickers\":[\"{TestData.Ticker()}\"],\"channels\":[{{\"type\":\"slack\",\"url\":\"{closed}\"}}]}}");

        Assert.Equal(StatusCodes.Status400BadRequest, response.Status);
        Assert.Equal("application/problem+json", response.ContentType);
        Assert.Equal("channels[0].url", response.Json().GetProperty("errors")[0].GetProperty("field").GetString());
        Assert.Contains("unreachable", response.Json().GetProperty("errors")[0].GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Empty(app.Emails(email));
    }

    [Fact]
    public async Task Create_WebhookNotEchoingTheChallenge_400NamingTheField()
    {
        await using var webhook = await CaptureServer.StartAsync(_ => (StatusCodes.Status200OK, "{}", null));

        var response = await CreateAsync($"{{\"email\":\"{TestData.Email()}\",\"tickers\":[\"{TestData.Ticker()}\"],\"channels\":[{{\"type\":\"webhook\",\"url\":\"{webhook.BaseUrl}/hook\"}}]}}");

        Assert.Equal(StatusCodes.Status400BadRequest, response.Status);
        Assert.Equal("channels[0].url", response.Json().GetProperty("errors")[0].GetProperty("field").GetString());
        Assert.Contains("challenge", response.Json().GetProperty("errors")[0].GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Update_AddingAnUnreachableChannel_400AndNothingChanged()
    {
        var ticker = TestData.Ticker();
        var id = await app.SubscribeAndConfirmAsync(TestData.Email(), $"[\"{ticker}\"]");
        var closed = $"http://127.0.0.1:{FreePorts.GetOne()}/hook";

        var response = await PutAsync(id, $"{{\"tickers\":[\"{ticker}\",\"OTHER\"],\"channels\":[{{\"type\":\"teams\",\"url\":\"{closed}\"}}]}}");

        Assert.Equal(StatusCodes.Status400BadRequest, response.Status);
        Assert.Equal("channels[0].url", response.Json().GetProperty("errors")[0].GetProperty("field").GetString());
        var stored = await GetAsync(id);
        Assert.Equal([ticker], stored.GetProperty("tickers").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal(0, stored.GetProperty("channels").GetArrayLength());
    }

    [Fact]
    public async Task Update_RemovingAChannel_StopsItsDeliveriesAndKeepsTheOthersWithoutVerifyingAgain()
    {
        await using var webhook = await CaptureServer.StartAsync(Webhook());
        await using var slack = await CaptureServer.StartAsync(_ => (StatusCodes.Status200OK, "ok", null));
        var ticker = TestData.Ticker();
        var webhookUrl = $"{webhook.BaseUrl}/hook";
        var id = await app.SubscribeAndConfirmAsync(
            TestData.Email(), $"[\"{ticker}\"]",
            $",\"channels\":[{{\"type\":\"webhook\",\"url\":\"{webhookUrl}\"}},{{\"type\":\"slack\",\"url\":\"{slack.BaseUrl}/x\"}}]");

        var updated = await PutAsync(id, $"{{\"tickers\":[\"{ticker}\"],\"channels\":[{{\"type\":\"webhook\",\"url\":\"{webhookUrl}\"}}]}}");
        await PostAndDeliverAsync(ticker);

        Assert.Equal(StatusCodes.Status200OK, updated.Status);
        Assert.Single(updated.Json().GetProperty("channels").EnumerateArray());
        Assert.Single(webhook.Requests, r => !IsAlert(r));
        Assert.Single(webhook.Requests, IsAlert);
        Assert.Single(slack.Requests);
    }
}
