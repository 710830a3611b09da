using Alerts.Core.Digests;
using Alerts.Functions.Functions;
using Azure.Storage.Queues;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Alerts.Functions.Tests;

/// <summary>The digest job woken by the message its hold queued (the <c>SendDigestsOnWakeUp</c> queue trigger), not by a clock.</summary>
[Collection(AlertsAppCollection.Name)]
public sealed class SendDigestsOnWakeUpTests(AlertsApp app)
{
    [Fact]
    public async Task HeldDigest_QueuesAHiddenWakeUp_WhoseTriggerSendsTheDigest()
    {
        var email = TestData.Email();
        var ticker = TestData.Ticker();
        var digests = new QueueClient(app.Azurite.ConnectionString, IDigestWakeUp.QueueName);
        await digests.CreateIfNotExistsAsync();
        var before = (await digests.GetPropertiesAsync()).Value.ApproximateMessagesCount;
        // A digest time no other test uses: this process sends one wake-up per due minute.
        await app.SubscribeAndConfirmAsync(email, $"[\"{ticker}\"]", ",\"delivery\":\"digest\",\"timeZone\":\"Asia/Tokyo\",\"digestTime\":\"06:13\"");

        await app.PostRatingsAsync(TestData.Change(ticker));
        await app.Dispatch.RunAsync(new Microsoft.Azure.Functions.Worker.TimerInfo(), CancellationToken.None);
        var after = (await digests.GetPropertiesAsync()).Value.ApproximateMessagesCount;
        Assert.Empty(app.AlertEmails(email));

        // The trigger runs when the message shows, at the due minute: here with the job's clock a day ahead.
        var sender = ActivatorUtilities.CreateInstance<DigestSender>(app.Services, new FakeTimeProvider(DateTimeOffset.UtcNow.AddHours(25)));
        await new SendDigestsFunction(sender, NullLogger<SendDigestsFunction>.Instance).OnWakeUpAsync("due", CancellationToken.None);

        Assert.Equal(before + 1, after);
        var digest = Assert.Single(app.AlertEmails(email));
        Assert.Equal("Alerts digest: 1 change on 1 ticker", digest.Subject);
    }
}
