using Alerts.Core.Digests;
using Alerts.Functions.Functions;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Alerts.Functions.Tests;

/// <summary>A digest subscriber who asked for notable calls only gets only notable calls in the digest, as by instant email.</summary>
[Collection(AlertsAppCollection.Name)]
public sealed class NotableOnlyDigestTests(AlertsApp app)
{
    private Task RunSendDigestsAsync(TimeSpan ahead)
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow.Add(ahead));
        var sender = ActivatorUtilities.CreateInstance<DigestSender>(app.Services, clock);
        return new SendDigestsFunction(sender, NullLogger<SendDigestsFunction>.Instance).RunAsync(new TimerInfo(), CancellationToken.None);
    }

    [Fact]
    public async Task Digest_NotableOnlySubscriber_CarriesOnlyTheNotableCall()
    {
        var notableOnly = TestData.Email();
        var everything = TestData.Email();
        var ticker = TestData.Ticker();
        const string digest = ",\"delivery\":\"digest\",\"timeZone\":\"Europe/Paris\",\"digestTime\":\"07:30\"";
        await app.SubscribeAndConfirmAsync(notableOnly, $"[\"{ticker}\"]", digest + ",\"notableOnly\":true");
        await app.SubscribeAndConfirmAsync(everything, $"[\"{ticker}\"]", digest);

        // One notch, the first call on a new ticker: nothing notable. Then Sell to Buy: two notches, notable.
        Assert.Equal(StatusCodes.Status202Accepted, (await app.PostRatingsAsync(TestData.Change(ticker))).Status);
        Assert.Equal(StatusCodes.Status202Accepted, (await app.PostRatingsAsync(TestData.Change(ticker, firm: "Citigroup", from: "Sell", to: "Buy"))).Status);
        await app.Dispatch.RunAsync(new TimerInfo(), CancellationToken.None);
        await RunSendDigestsAsync(TimeSpan.FromHours(25));

        var filtered = Assert.Single(app.AlertEmails(notableOnly));
        Assert.Contains($"Citi upgrades {ticker}", filtered.TextBody, StringComparison.Ordinal);
        Assert.DoesNotContain($"JPMorgan upgrades {ticker}", filtered.TextBody, StringComparison.Ordinal);
        var full = Assert.Single(app.AlertEmails(everything));
        Assert.Contains($"JPMorgan upgrades {ticker}", full.TextBody, StringComparison.Ordinal);
        Assert.Contains($"Citi upgrades {ticker}", full.TextBody, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Digest_NotableOnlySubscriberWithNothingNotable_NoEmail()
    {
        var email = TestData.Email();
        var ticker = TestData.Ticker();
        await app.SubscribeAndConfirmAsync(email, $"[\"{ticker}\"]", ",\"delivery\":\"digest\",\"notableOnly\":true");

        Assert.Equal(StatusCodes.Status202Accepted, (await app.PostRatingsAsync(TestData.Change(ticker))).Status);
        await app.Dispatch.RunAsync(new TimerInfo(), CancellationToken.None);
        await RunSendDigestsAsync(TimeSpan.FromHours(25));
        await RunSendDigestsAsync(TimeSpan.FromHours(26));

        Assert.Empty(app.AlertEmails(email));
    }
}
