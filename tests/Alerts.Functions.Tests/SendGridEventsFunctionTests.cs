using System.Security.Cryptography;
using System.Text;
using Alerts.Core.Security;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;

namespace Alerts.Functions.Tests;

[Collection(AlertsAppCollection.Name)]
public sealed class SendGridEventsFunctionTests(AlertsApp app)
{
    private Task<AlertsApp.Response> PostEventsAsync(string body, ECDsa? key = null, DateTimeOffset? at = null)
    {
        var timestamp = (at ?? DateTimeOffset.UtcNow).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var signature = Convert.ToBase64String((key ?? app.SendGridEventKey).SignData(Encoding.UTF8.GetBytes(timestamp + body), HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence));
        return app.CallAsync(
            r => app.SendGridEvents.PostAsync(r, CancellationToken.None), "POST", "/api/sendgrid/events", body, "application/json",
            new Dictionary<string, string> { [SendGridEventSignature.SignatureHeader] = signature, [SendGridEventSignature.TimestampHeader] = timestamp });
    }

    [Fact]
    public async Task SignedBounce_SuppressesTheAddress_NoFurtherAlertIsSent()
    {
        var email = TestData.Email();
        var ticker = TestData.Ticker();
        await app.SubscribeAndConfirmAsync(email, $"[\"{ticker}\"]");

        var response = await PostEventsAsync($$"""[{"email":"{{email}}","event":"bounce","type":"bounce","reason":"550 5.1.1 unknown user"}]""");
        await app.PostRatingsAsync(TestData.Change(ticker));
        await app.Dispatch.RunAsync(new TimerInfo(), CancellationToken.None);

        Assert.Equal(StatusCodes.Status204NoContent, response.Status);
        Assert.Empty(app.AlertEmails(email));
    }

    [Fact]
    public async Task SpamReport_AlsoStopsConfirmationEmailsToThatAddress()
    {
        var email = TestData.Email();
        await PostEventsAsync($$"""[{"email":"{{email}}","event":"spamreport"}]""");

        var created = await app.CallAsync(r => app.Subscriptions.CreateAsync(r, CancellationToken.None), "POST", "/api/subscriptions", $"{{\"email\":\"{email}\",\"tickers\":[\"AAPL\"]}}", "application/json");

        Assert.Equal(StatusCodes.Status201Created, created.Status);
        Assert.Empty(app.Emails(email));
    }

    [Fact]
    public async Task ForgedOrStaleEvents_Answer401AndSuppressNothing()
    {
        var email = TestData.Email();
        var ticker = TestData.Ticker();
        await app.SubscribeAndConfirmAsync(email, $"[\"{ticker}\"]");
        using var stranger = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var body = $$"""[{"email":"{{email}}","event":"unsubscribe"}]""";

        var forged = await PostEventsAsync(body, key: stranger);
        var stale = await PostEventsAsync(body, at: DateTimeOffset.UtcNow.AddHours(-1));
        var unsigned = await app.CallAsync(r => app.SendGridEvents.PostAsync(r, CancellationToken.None), "POST", "/api/sendgrid/events", body, "application/json");
        await app.PostRatingsAsync(TestData.Change(ticker));
        await app.Dispatch.RunAsync(new TimerInfo(), CancellationToken.None);

        Assert.Equal(StatusCodes.Status401Unauthorized, forged.Status);
        Assert.Equal(StatusCodes.Status401Unauthorized, stale.Status);
        Assert.Equal(StatusCodes.Status401Unauthorized, unsigned.Status);
        Assert.Single(app.AlertEmails(email));
    }
}
