using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Alerts.Core.Security;
using Alerts.Testing;
using MimeKit;

namespace Alerts.EndToEnd.Tests;

/// <summary>
/// Channels beyond email over real HTTP against the local runner (its queue listener delivering): a subscriber with email,
/// a webhook and Slack gets one alert on each, the webhook's signed with the secret shown once in the 201 answer.
/// The receivers are local stand-in servers recording what they received.
/// </summary>
public sealed partial class ChannelsEndToEndTests : IAsyncLifetime
{
    private readonly LocalRunnerFixture _system = new();
    private readonly HttpClient _http = new();

    private LocalRunnerProcess Runner => _system.Runner;

    public Task InitializeAsync() => _system.InitializeAsync();

    public async Task DisposeAsync()
    {
        await _system.DisposeAsync();
        _http.Dispose();
    }

    [Fact]
    public async Task SignedPost_SubscriberWithEmailWebhookAndSlack_OneAlertOnEach()
    {
        await using var webhook = await CaptureServer.StartAsync(request =>
        {
            using var json = JsonDocument.Parse(request.Body);
            return json.RootElement.GetProperty("type").GetString() == "url_verification"
                ? (200, json.RootElement.GetProperty("challenge").GetString(), null)
                : (200, null, null);
        });
        await using var slack = await CaptureServer.StartAsync(_ => (200, "ok", null));

        // The local runner allows loopback receivers by default (Channels__AllowLoopback), so the stand-ins can be used.
        var created = await _http.PostAsJsonAsync($"{Runner.BaseUrl}/api/subscriptions", new
        {
            email = "ana@example.com",
            tickers = new[] { "CIFR" },
            channels = new object[] { new { type = "webhook", url = $"{webhook.BaseUrl}/in" }, new { type = "slack", url = $"{slack.BaseUrl}/services/T/B/x" } },
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var channelSecret = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("channels")[0].GetProperty("secret").GetString()!;
        var confirmation = await WaitForEmailAsync(m => (m.Subject ?? string.Empty).Contains("Confirm", StringComparison.Ordinal), "the confirmation email");
        Assert.Equal(HttpStatusCode.OK, (await _http.PostAsync(Assert.Single(LinksIn(confirmation)), content: null)).StatusCode);

        var body = """{"id":"e2e-channels-1","ticker":"CIFR","company":"Cipher Mining","firm":"J.P. Morgan","fromRating":"Neutral","toRating":"Overweight","fromTarget":12,"toTarget":18}""";
        Assert.Equal(HttpStatusCode.Accepted, (await _system.PostSignedAsync(body)).StatusCode);

        var alert = await WaitForEmailAsync(m => (m.Subject ?? string.Empty).Contains("upgrades CIFR", StringComparison.Ordinal), "the alert email");
        var posted = Assert.Single(await webhook.WaitForRequestsAsync(r => r.Body.Contains("\"type\":\"alert\"", StringComparison.Ordinal), 1, TimeSpan.FromSeconds(30)));
        var slackAlert = Assert.Single(await slack.WaitForRequestsAsync(r => r.Body.Contains("upgrades CIFR", StringComparison.Ordinal), 1, TimeSpan.FromSeconds(30)));

        Assert.Equal(
            SignatureCheck.Valid,
            WebhookSignature.Verify(posted.Header(WebhookSignature.HeaderName), Encoding.UTF8.GetBytes(posted.Body), [channelSecret], DateTimeOffset.UtcNow));
        using var payload = JsonDocument.Parse(posted.Body);
        Assert.Equal("CIFR", payload.RootElement.GetProperty("change").GetProperty("ticker").GetString());
        Assert.Contains("/t/CIFR", payload.RootElement.GetProperty("links").GetProperty("ticker").GetString(), StringComparison.Ordinal);
        Assert.Contains("blocks", slackAlert.Body, StringComparison.Ordinal);
        Assert.Contains("JPMorgan upgrades CIFR", alert.Subject, StringComparison.Ordinal);
    }

    private List<MimeMessage> Emails() =>
        Directory.Exists(Runner.Mailbox)
            ? Directory.GetFiles(Runner.Mailbox, "*.eml").Order(StringComparer.Ordinal).Select(path => MimeMessage.Load(path)).ToList()
            : [];

    private async Task<MimeMessage> WaitForEmailAsync(Func<MimeMessage, bool> predicate, string what)
    {
        MimeMessage? found = null;
        await Eventually.UntilAsync(() => (found = Emails().FirstOrDefault(m => predicate(m))) is not null, TimeSpan.FromSeconds(30), what + " is in the mailbox\n" + Runner.Output);
        return found!;
    }

    private static List<Uri> LinksIn(MimeMessage message) =>
        UrlPattern().Matches(message.TextBody ?? string.Empty).Select(m => new Uri(m.Value)).ToList();

    [GeneratedRegex(@"https?://\S+")]
    private static partial Regex UrlPattern();
}
