using System.Text.Json;
using Alerts.Core.Channels;
using Alerts.Core.Delivery;
using Alerts.Core.Matching;
using Alerts.Testing;
using Azure.Storage.Queues;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;

namespace Alerts.Functions.Tests;

/// <summary>A channel delivery claimed by another worker is not posted, and comes back later rather than being used up (an app of its own: it leaves a message on the queue).</summary>
public sealed class ChannelClaimTests : IAsyncLifetime
{
    private readonly AlertsApp _app = new();

    public Task InitializeAsync() => _app.InitializeAsync();

    public Task DisposeAsync() => _app.DisposeAsync();

    [Fact]
    public async Task Deliver_ClaimedElsewhere_NotPostedAndQueuedAgainForLater()
    {
        await using var webhook = await CaptureServer.StartAsync(request =>
        {
            using var json = JsonDocument.Parse(request.Body);
            return json.RootElement.GetProperty("type").GetString() == "url_verification" ? (200, json.RootElement.GetProperty("challenge").GetString(), null) : (200, null, null);
        });
        var ticker = TestData.Ticker();
        var url = $"{webhook.BaseUrl}/hook";
        var id = await _app.SubscribeAndConfirmAsync(TestData.Email(), $"[\"{ticker}\"]", $",\"channels\":[{{\"type\":\"webhook\",\"url\":\"{url}\"}}]");
        var posted = await _app.PostRatingsAsync(TestData.Change(ticker));
        var changeId = posted.Json().GetProperty("changes")[0].GetProperty("id").GetString()!;
        var deliveryId = ChannelDeliveryIds.For(AlertIds.For(changeId, id), new Channel(ChannelType.Webhook, url).Id);

        // Another worker claims the delivery first (and is still within its claim).
        var sentLog = _app.Services.GetRequiredService<ISentAlertLog>();
        Assert.Equal(SendClaim.Claimed, await sentLog.TryClaimAsync(deliveryId, id, DateTimeOffset.UtcNow, CancellationToken.None));
        await _app.Dispatch.RunAsync(new TimerInfo(), CancellationToken.None);
        var handled = await _app.DeliverToChannelsAsync();

        Assert.Equal(1, handled);
        Assert.DoesNotContain(webhook.Requests, r => r.Body.Contains("\"type\":\"alert\"", StringComparison.Ordinal));
        var queue = new QueueClient(_app.Azurite.ConnectionString, ChannelDelivery.QueueName);
        Assert.Equal(1, (await queue.GetPropertiesAsync()).Value.ApproximateMessagesCount);
    }
}
