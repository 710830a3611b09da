using Alerts.Core.Delivery;
using Alerts.Core.Subscriptions;
using Alerts.Functions.Functions;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Alerts.Functions.Tests;

/// <summary>
/// Issue 19, finding 3 (and the caps of finding 7): confirmation emails are counted per mailbox (plus-tags, and dots at
/// Gmail), <c>POST /api/subscriptions</c> takes only <c>application/json</c>, nothing is stored for a confirmation that is
/// not sent, unconfirmed subscriptions are purged once their link has expired, and one mailbox and one mail domain hold
/// only so many subscriptions and confirmations.
/// </summary>
[Collection(AlertsAppCollection.Name)]
public sealed class MailBombingTests(AlertsApp app)
{
    private static string Body(string email) => $"{{\"email\":\"{email}\",\"tickers\":[\"AAPL\"]}}";

    private static Task<AlertsApp.Response> SubscribeAsync(AlertsApp on, string email, string contentType = "application/json") =>
        on.CallAsync(r => on.Subscriptions.CreateAsync(r, CancellationToken.None), "POST", "/api/subscriptions", Body(email), contentType);

    private static int Confirmations(AlertsApp on, IEnumerable<string> addresses) =>
        addresses.Distinct(StringComparer.OrdinalIgnoreCase).Sum(a => on.Emails(a).Count(AlertsApp.IsConfirmation));

    [Fact]
    public async Task PostSubscriptions_PlusTagsOfOneMailbox_AtMostThreeConfirmationsAnHour()
    {
        var user = $"victim{Guid.NewGuid():N}";
        var addresses = Enumerable.Range(1, 10).Select(i => $"{user}+{i}@example.com").Prepend($"{user}@example.com").ToList();

        foreach (var address in addresses)
        {
            Assert.Equal(StatusCodes.Status201Created, (await SubscribeAsync(app, address)).Status);
        }

        Assert.Equal(3, Confirmations(app, addresses));
    }

    [Fact]
    public async Task PostSubscriptions_GmailDotsAndGooglemail_CountAsOneMailbox()
    {
        var user = $"victim{Guid.NewGuid():N}"[..20];
        var dotted = string.Join('.', user.Chunk(4).Select(c => new string(c)));
        var addresses = new[] { $"{user}@gmail.com", $"{dotted}@gmail.com", $"{user}@googlemail.com", $"{dotted}+x@gmail.com", $"{user.ToUpperInvariant()}@GMAIL.com" };

        foreach (var address in addresses)
        {
            Assert.Equal(StatusCodes.Status201Created, (await SubscribeAsync(app, address)).Status);
        }

        Assert.Equal(3, Confirmations(app, addresses));
    }

    [Fact]
    public async Task PostSubscriptions_DotsOutsideGmail_AreOtherMailboxes()
    {
        var user = $"v{Guid.NewGuid():N}"[..12];
        var addresses = new[] { $"{user}@example.com", $"{user[..4]}.{user[4..]}@example.com", $"{user[..6]}.{user[6..]}@example.com", $"{user[..8]}.{user[8..]}@example.com" };

        foreach (var address in addresses)
        {
            await SubscribeAsync(app, address);
        }

        Assert.Equal(4, Confirmations(app, addresses));
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/x-www-form-urlencoded")]
    [InlineData("multipart/form-data; boundary=x")]
    [InlineData(null)]
    public async Task PostSubscriptions_NotJson_Returns415AndSendsNothing(string? contentType)
    {
        var email = TestData.Email();

        var response = await app.CallAsync(r => app.Subscriptions.CreateAsync(r, CancellationToken.None), "POST", "/api/subscriptions", Body(email), contentType);

        Assert.Equal(StatusCodes.Status415UnsupportedMediaType, response.Status);
        Assert.Equal("application/problem+json", response.ContentType);
        Assert.Empty(app.Emails(email));
    }

    [Fact]
    public async Task PostSubscriptions_JsonWithCharset_IsAccepted()
    {
        var response = await SubscribeAsync(app, TestData.Email(), "application/json; charset=utf-8");

        Assert.Equal(StatusCodes.Status201Created, response.Status);
    }

    [Fact]
    public async Task PostSubscriptions_ThrottledConfirmation_StoresNoPendingRow()
    {
        var user = $"victim{Guid.NewGuid():N}";
        var ids = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            ids.Add((await SubscribeAsync(app, $"{user}+{i}@example.com")).Json().GetProperty("id").GetString()!);
        }

        var store = app.Services.GetRequiredService<ISubscriptionStore>();
        Assert.NotNull(await store.GetAsync(ids[2], CancellationToken.None));
        Assert.Null(await store.GetAsync(ids[3], CancellationToken.None));
    }

    [Fact]
    public async Task PostSubscriptions_SuppressedAddress_StoresNoPendingRow()
    {
        var email = TestData.Email();
        await app.Services.GetRequiredService<ISuppressionList>().SuppressAsync(email, "spamreport", DateTimeOffset.UtcNow, CancellationToken.None);

        var created = await SubscribeAsync(app, email);

        Assert.Equal(StatusCodes.Status201Created, created.Status);
        Assert.Null(await app.Services.GetRequiredService<ISubscriptionStore>().GetAsync(created.Json().GetProperty("id").GetString()!, CancellationToken.None));
        Assert.Empty(app.Emails(email));
    }

    [Fact]
    public async Task PurgeUnconfirmed_AfterTheConfirmLinkExpires_DeletesPendingAndKeepsConfirmed()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var aged = AlertsApp.With(clock);
        await aged.InitializeAsync();
        try
        {
            var pendingEmail = TestData.Email();
            var pending = (await SubscribeAsync(aged, pendingEmail)).Json().GetProperty("id").GetString()!;
            var confirmed = await aged.SubscribeAndConfirmAsync(TestData.Email(), "[\"AAPL\"]");
            var purge = aged.Services.GetRequiredService<PurgeUnconfirmedFunction>();
            var store = aged.Services.GetRequiredService<ISubscriptionStore>();

            clock.Advance(TimeSpan.FromDays(6));
            await purge.RunAsync(new TimerInfo(), CancellationToken.None);
            var keptWhileTheLinkWorks = await store.GetAsync(pending, CancellationToken.None);
            clock.Advance(TimeSpan.FromDays(1) + TimeSpan.FromMinutes(1));
            await purge.RunAsync(new TimerInfo(), CancellationToken.None);

            Assert.NotNull(keptWhileTheLinkWorks);
            Assert.Null(await store.GetAsync(pending, CancellationToken.None));
            Assert.NotNull(await store.GetAsync(confirmed, CancellationToken.None));
        }
        finally
        {
            await aged.DisposeAsync();
        }
    }

    [Fact]
    public async Task PostSubscriptions_BeyondTheCapPerMailbox_NeitherStoredNorMailed()
    {
        var capped = AlertsApp.With(new Dictionary<string, string?> { ["Alerts:MaxConfirmationsPerHour"] = "100", ["Alerts:MaxSubscriptionsPerMailbox"] = "3" });
        await capped.InitializeAsync();
        try
        {
            var user = $"collector{Guid.NewGuid():N}";
            var addresses = Enumerable.Range(1, 5).Select(i => $"{user}+{i}@example.com").ToList();
            var ids = new List<string>();
            foreach (var address in addresses)
            {
                var created = await SubscribeAsync(capped, address);
                Assert.Equal(StatusCodes.Status201Created, created.Status);
                ids.Add(created.Json().GetProperty("id").GetString()!);
            }

            Assert.Equal(3, Confirmations(capped, addresses));
            var store = capped.Services.GetRequiredService<ISubscriptionStore>();
            Assert.Null(await store.GetAsync(ids[3], CancellationToken.None));

            // Deleting one makes room for one more.
            await capped.Services.GetRequiredService<SubscriptionService>().DeleteAsync(ids[0], capped.Services.GetRequiredService<Links>().ManageToken(ids[0]), Alerts.Core.Security.LinkPurpose.Manage, CancellationToken.None);
            await SubscribeAsync(capped, $"{user}+6@example.com");
            Assert.Equal(4, Confirmations(capped, [.. addresses, $"{user}+6@example.com"]));
        }
        finally
        {
            await capped.DisposeAsync();
        }
    }

    [Fact]
    public async Task PostSubscriptions_BeyondTheHourlyCapPerDomain_NotMailed()
    {
        var capped = AlertsApp.With(new Dictionary<string, string?> { ["Alerts:MaxConfirmationsPerDomainPerHour"] = "4" });
        await capped.InitializeAsync();
        try
        {
            var domain = $"d{Guid.NewGuid():N}.example";
            var addresses = Enumerable.Range(1, 7).Select(i => $"user{i}@{domain}").ToList();
            foreach (var address in addresses)
            {
                Assert.Equal(StatusCodes.Status201Created, (await SubscribeAsync(capped, address)).Status);
            }

            Assert.Equal(4, Confirmations(capped, addresses));
        }
        finally
        {
            await capped.DisposeAsync();
        }
    }
}
