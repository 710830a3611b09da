using System.Text.Json;
using Alerts.Api.Http;
using Alerts.Core.Delivery;
using Azure.Storage.Queues;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Microsoft.Azure.Functions.Worker;

namespace Alerts.Functions.Tests;

/// <summary>The operator routes (admin key), dead letters listed and replayed, and the health route.</summary>
[Collection(AlertsAppCollection.Name)]
public sealed class AdminFunctionsTests(AlertsApp app)
{
    private static Dictionary<string, string> AdminHeader(string key = AlertsApp.AdminKey) => new() { ["X-Alerts-Admin-Key"] = key };

    private QueueClient Queue(string name) => new QueueServiceClient(app.Azurite.ConnectionString).GetQueueClient(name);

    [Fact]
    public async Task ListSubscribers_WithAdminKey_ListsTheTickersSubscribers_WithoutIt401()
    {
        var email = TestData.Email();
        var ticker = TestData.Ticker();
        var id = await app.SubscribeAndConfirmAsync(email, $"[\"{ticker}\"]");

        var none = await app.CallAsync(r => app.Admin.ListSubscribersAsync(r, CancellationToken.None), "GET", $"/api/ops/subscribers?ticker={ticker}");
        var wrong = await app.CallAsync(r => app.Admin.ListSubscribersAsync(r, CancellationToken.None), "GET", $"/api/ops/subscribers?ticker={ticker}", headers: AdminHeader("not-the-key"));
        var bearer = await app.CallAsync(r => app.Admin.ListSubscribersAsync(r, CancellationToken.None), "GET", $"/api/ops/subscribers?ticker={ticker}", headers: new Dictionary<string, string> { ["Authorization"] = "Bearer " + AlertsApp.AdminKey });
        var listed = await app.CallAsync(r => app.Admin.ListSubscribersAsync(r, CancellationToken.None), "GET", $"/api/ops/subscribers?ticker={ticker}", headers: AdminHeader());

        Assert.Equal(StatusCodes.Status401Unauthorized, none.Status);
        Assert.Equal(StatusCodes.Status401Unauthorized, wrong.Status);
        Assert.Equal("application/problem+json", wrong.ContentType);
        Assert.Equal(StatusCodes.Status200OK, bearer.Status);
        var subscriber = Assert.Single(listed.Json().GetProperty("subscribers").EnumerateArray());
        Assert.Equal(id, subscriber.GetProperty("subscriptionId").GetString());
        Assert.Equal(email, subscriber.GetProperty("email").GetString());
    }

    [Fact]
    public async Task DeadLetter_IsListedWithItsReason_AndReplayDeliversIt()
    {
        // An alert message that failed for good: taken off the alert queue and put on the poison queue, as the dispatcher does.
        var email = TestData.Email();
        var ticker = TestData.Ticker();
        await app.SubscribeAndConfirmAsync(email, $"[\"{ticker}\"]");
        await app.Dispatch.RunAsync(new TimerInfo(), CancellationToken.None);
        await app.PostRatingsAsync(TestData.Change(ticker));
        await app.FanOutAsync();
        var message = (await Queue("alerts").ReceiveMessageAsync()).Value;
        await Queue("alerts").DeleteMessageAsync(message.MessageId, message.PopReceipt);
        var messageId = JsonDocument.Parse(message.Body.ToString()).RootElement.GetProperty("messageId").GetString();
        await Queue("alerts-poison").SendMessageAsync(JsonSerializer.Serialize(new { messageId, reason = "Gave up after 5 attempts: SendGrid answered 500", deliveryCount = 5, body = message.Body.ToString() }));

        var listed = await app.CallAsync(r => app.Admin.ListDeadLettersAsync(r, CancellationToken.None), "GET", "/api/ops/dead-letters?limit=32", headers: AdminHeader());
        var health = await app.CallAsync(r => app.Admin.HealthAsync(r, CancellationToken.None), "GET", "/api/health", headers: AdminHeader());
        var replayed = await app.CallAsync(r => app.Admin.ReplayDeadLettersAsync(r, CancellationToken.None), "POST", "/api/ops/dead-letters/replay", headers: AdminHeader());
        await app.Dispatch.RunAsync(new TimerInfo(), CancellationToken.None);

        var letter = Assert.Single(listed.Json().GetProperty("deadLetters").EnumerateArray(), d => d.GetProperty("messageId").GetString() == messageId);
        Assert.Contains("SendGrid answered 500", letter.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Equal(ticker, letter.GetProperty("ticker").GetString());
        Assert.Equal(StatusCodes.Status503ServiceUnavailable, health.Status);
        Assert.Contains(health.Json().GetProperty("problems").EnumerateArray(), p => p.GetString()!.Contains("dead letters", StringComparison.Ordinal));
        Assert.True(replayed.Json().GetProperty("replayed").GetInt32() >= 1);
        Assert.Single(app.AlertEmails(email));
    }

    [Fact]
    public async Task UnreadableMessage_IsDeadLetteredWithItsReason()
    {
        await app.Dispatch.RunAsync(new TimerInfo(), CancellationToken.None);
        await Queue("alerts").SendMessageAsync("this is not an alert");

        await app.Dispatch.RunAsync(new TimerInfo(), CancellationToken.None);
        var listed = await app.CallAsync(r => app.Admin.ListDeadLettersAsync(r, CancellationToken.None), "GET", "/api/ops/dead-letters?limit=32", headers: AdminHeader());

        Assert.Contains(listed.Json().GetProperty("deadLetters").EnumerateArray(), d => d.GetProperty("reason").GetString()!.Contains("not an AlertsMatched message", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Health_ReportsStorageQueueAndAge_And503WhileStorageIsDown()
    {
        var up = await app.CallAsync(r => app.Admin.HealthAsync(r, CancellationToken.None), "GET", "/api/health", headers: AdminHeader());
        await app.Azurite.StopAsync();
        AlertsApp.Response down;
        try
        {
            down = await app.CallAsync(r => app.Admin.HealthAsync(r, CancellationToken.None), "GET", "/api/health", headers: AdminHeader());
        }
        finally
        {
            await app.Azurite.StartAgainAsync();
        }

        Assert.True(up.Json().GetProperty("storageReachable").GetBoolean());
        Assert.True(up.Json().TryGetProperty("pendingAlertMessages", out _));
        Assert.Equal(StatusCodes.Status503ServiceUnavailable, down.Status);
        Assert.False(down.Json().GetProperty("storageReachable").GetBoolean());
    }

    [Fact]
    public async Task Health_Anonymous_AnswersTheVerdictOnly_FromACheckReusedForThirtySeconds()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var queue = new CountingDeadLetterQueue(app.Services.GetRequiredService<IDeadLetterQueue>());
        using var health = ActivatorUtilities.CreateInstance<HealthApi>(app.Services, queue, (TimeProvider)time);

        var first = await app.CallAsync(r => health.GetAsync(r, CancellationToken.None), "GET", "/api/health");
        var readsAfterFirst = queue.StatsReads;
        var again = await app.CallAsync(r => health.GetAsync(r, CancellationToken.None), "GET", "/api/health");
        var readsWithinCache = queue.StatsReads;
        time.Advance(TimeSpan.FromSeconds(30));
        var later = await app.CallAsync(r => health.GetAsync(r, CancellationToken.None), "GET", "/api/health");

        Assert.Equal(1, readsAfterFirst);
        Assert.Equal(1, readsWithinCache);
        Assert.Equal(2, queue.StatsReads);
        Assert.Equal(first.Status, again.Status);
        Assert.Equal(first.Json().GetProperty("checkedAt").GetDateTimeOffset(), again.Json().GetProperty("checkedAt").GetDateTimeOffset());
        Assert.True(later.Json().GetProperty("checkedAt").GetDateTimeOffset() > first.Json().GetProperty("checkedAt").GetDateTimeOffset());
        Assert.Contains(first.Json().GetProperty("status").GetString(), new[] { "healthy", "unhealthy" });
        var properties = first.Json().EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(["checkedAt", "status"], properties);
    }

    [Fact]
    public async Task Health_WithAdminKey_ChecksAtOnceAndAnswersTheDetails_WithAWrongKey401()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var queue = new CountingDeadLetterQueue(app.Services.GetRequiredService<IDeadLetterQueue>());
        using var health = ActivatorUtilities.CreateInstance<HealthApi>(app.Services, queue, (TimeProvider)time);

        var anonymous = await app.CallAsync(r => health.GetAsync(r, CancellationToken.None), "GET", "/api/health");
        var detailed = await app.CallAsync(r => health.GetAsync(r, CancellationToken.None), "GET", "/api/health", headers: AdminHeader());
        var bearer = await app.CallAsync(r => health.GetAsync(r, CancellationToken.None), "GET", "/api/health", headers: new Dictionary<string, string> { ["Authorization"] = "Bearer " + AlertsApp.AdminKey });
        var readsBeforeWrongKey = queue.StatsReads;
        var wrong = await app.CallAsync(r => health.GetAsync(r, CancellationToken.None), "GET", "/api/health", headers: AdminHeader("not-the-key"));

        Assert.Equal(3, readsBeforeWrongKey);
        Assert.Equal(readsBeforeWrongKey, queue.StatsReads);
        Assert.False(anonymous.Json().TryGetProperty("problems", out _));
        Assert.False(anonymous.Json().TryGetProperty("feeds", out _));
        Assert.True(detailed.Json().GetProperty("storageReachable").GetBoolean());
        Assert.True(detailed.Json().TryGetProperty("pendingAlertMessages", out _));
        Assert.Equal("health-feed", Assert.Single(detailed.Json().GetProperty("feeds").EnumerateArray()).GetProperty("source").GetString());
        Assert.True(bearer.Json().TryGetProperty("problems", out _));
        Assert.Equal(StatusCodes.Status401Unauthorized, wrong.Status);
        Assert.Equal("application/problem+json", wrong.ContentType);
    }

    [Fact]
    public async Task Health_ReportsEachFeedsLastPoll_AndAProblemWhenItIsOld()
    {
        var cursors = app.Services.GetRequiredService<Alerts.Core.Feeds.IFeedCursorStore>();

        await cursors.SaveAsync("health-feed", null, DateTimeOffset.UtcNow.AddHours(-1), CancellationToken.None);
        var stale = (await app.CallAsync(r => app.Admin.HealthAsync(r, CancellationToken.None), "GET", "/api/health", headers: AdminHeader())).Json();
        await cursors.SaveAsync("health-feed", null, DateTimeOffset.UtcNow, CancellationToken.None);
        var fresh = (await app.CallAsync(r => app.Admin.HealthAsync(r, CancellationToken.None), "GET", "/api/health", headers: AdminHeader())).Json();

        var feed = Assert.Single(stale.GetProperty("feeds").EnumerateArray());
        Assert.Equal("health-feed", feed.GetProperty("source").GetString());
        Assert.True(feed.GetProperty("lastPollAgeSeconds").GetDouble() >= 3590);
        Assert.Contains(stale.GetProperty("problems").EnumerateArray(), p => p.GetString()!.Contains("feed health-feed", StringComparison.Ordinal));
        Assert.DoesNotContain(fresh.GetProperty("problems").EnumerateArray(), p => p.GetString()!.Contains("feed health-feed", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Health_ReportsOverdueDigests_UntilTheJobSendsThem()
    {
        var held = app.Services.GetRequiredService<Alerts.Core.Digests.IHeldAlertStore>();
        var subscriptionId = Alerts.Core.Ids.NewRandom(); // unsubscribed since: the job drops what it held
        var change = new Alerts.Core.Ratings.RatingChange
        {
            Id = "overdue-" + subscriptionId, Ticker = "OVERDUE", Firm = "JPMorgan", Action = Alerts.Core.Ratings.RatingAction.Upgrade,
            Currency = "USD", PublishedAt = DateTimeOffset.UtcNow, ReceivedAt = DateTimeOffset.UtcNow,
        };
        var due = DateTimeOffset.UtcNow.AddHours(-1);
        await held.HoldAsync(new Alerts.Core.Digests.HeldAlert("overdue-alert-" + subscriptionId, subscriptionId, change, due.AddTicks(-(due.UtcTicks % TimeSpan.TicksPerMinute)), due), CancellationToken.None);

        var overdue = await app.CallAsync(r => app.Admin.HealthAsync(r, CancellationToken.None), "GET", "/api/health", headers: AdminHeader());
        await app.Services.GetRequiredService<Alerts.Core.Digests.DigestSender>().SendDueAsync(1000, CancellationToken.None);
        var after = (await app.CallAsync(r => app.Admin.HealthAsync(r, CancellationToken.None), "GET", "/api/health", headers: AdminHeader())).Json();

        Assert.Equal(StatusCodes.Status503ServiceUnavailable, overdue.Status);
        Assert.True(overdue.Json().GetProperty("overdueDigests").GetInt32() >= 1);
        Assert.Contains(overdue.Json().GetProperty("problems").EnumerateArray(), p => p.GetString()!.Contains("digests are overdue", StringComparison.Ordinal));
        Assert.Equal(0, after.GetProperty("overdueDigests").GetInt32());
    }

    [Theory]
    [InlineData("/api/ops/subscribers?ticker=A%27B")]
    [InlineData("/api/ops/subscribers")]
    [InlineData("/api/ops/subscribers?ticker=AAPL&limit=0")]
    public async Task ListSubscribers_BadQueryWithKey_Answers400(string path)
    {
        var response = await app.CallAsync(r => app.Admin.ListSubscribersAsync(r, CancellationToken.None), "GET", path, headers: AdminHeader());

        Assert.Equal(StatusCodes.Status400BadRequest, response.Status);
    }
}
