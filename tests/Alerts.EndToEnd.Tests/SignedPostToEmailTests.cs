using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Alerts.Testing;
using MimeKit;

namespace Alerts.EndToEnd.Tests;

/// <summary>
/// The README's walk-through as a test, over real HTTP against the local runner: subscribe, confirm from the .eml,
/// post a signed change, find exactly one alert .eml; post the same change again and find no second email.
/// </summary>
public sealed partial class SignedPostToEmailTests : IAsyncLifetime
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
    public async Task SignedPost_ToConfirmedSubscriber_ArrivesAsExactlyOneEmail()
    {
        // Subscribe: 201, and a confirmation email with one link.
        var created = await _http.PostAsJsonAsync($"{Runner.BaseUrl}/api/subscriptions", new { email = "ana@example.com", tickers = new[] { "cifr" } });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var confirmation = await WaitForEmailAsync(IsConfirmation, "the confirmation email");
        var confirmLink = Assert.Single(LinksIn(confirmation));

        // Opening the link shows a button; pressing it (a POST) confirms.
        var page = await _http.SendAsync(new HttpRequestMessage(HttpMethod.Get, confirmLink) { Headers = { { "Accept", "text/html" } } });
        Assert.Contains("<form method=\"post\"", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var confirmed = await _http.PostAsync(confirmLink, content: null);
        Assert.Equal(HttpStatusCode.OK, confirmed.StatusCode);

        // A signed change on CIFR: 202, and one alert email.
        var body = """{"id":"e2e-1","ticker":"CIFR","company":"Cipher Mining","firm":"J.P. Morgan","fromRating":"Neutral","toRating":"Overweight","fromTarget":12,"toTarget":18}""";
        var first = await PostSignedAsync(body);
        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        Assert.Equal(1, (await first.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accepted").GetInt32());
        var alert = await WaitForEmailAsync(m => !IsConfirmation(m), "the alert email");
        Assert.Equal("JPMorgan upgrades CIFR to Overweight from Neutral, PT $12 -> $18", alert.Subject);
        Assert.Equal("List-Unsubscribe=One-Click", alert.Headers["List-Unsubscribe-Post"]);
        Assert.Contains(LinksIn(alert), l => l.AbsolutePath.EndsWith("/manage", StringComparison.Ordinal));

        // The same post again: a duplicate, and no second email once the work queues are drained.
        var second = await PostSignedAsync(body);
        Assert.Equal(1, (await second.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("duplicates").GetInt32());
        await _system.WaitUntilQueuesDrainedAsync(TimeSpan.FromSeconds(60));
        Assert.Single(Emails(), m => !IsConfirmation(m));
        Assert.Equal(2, Emails().Count);
    }

    [Fact]
    public async Task UnsignedPost_Answers401WithProblemDetails()
    {
        var response = await _http.PostAsync($"{Runner.BaseUrl}/api/ratings", new StringContent("""{"ticker":"CIFR","firm":"UBS","toRating":"Buy"}""", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    private Task<HttpResponseMessage> PostSignedAsync(string body) => _system.PostSignedAsync(body);

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

    private static bool IsConfirmation(MimeMessage message) => (message.Subject ?? string.Empty).Contains("Confirm", StringComparison.Ordinal);

    private static List<Uri> LinksIn(MimeMessage message) =>
        UrlPattern().Matches(message.TextBody ?? string.Empty).Select(m => new Uri(m.Value)).ToList();

    [GeneratedRegex(@"https?://\S+")]
    private static partial Regex UrlPattern();
}
