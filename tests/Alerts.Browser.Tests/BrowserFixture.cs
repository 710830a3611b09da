using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Alerts.Testing;
using Microsoft.Playwright;
using MimeKit;

namespace Alerts.Browser.Tests;

/// <summary>
/// One Azurite and one local runner (its own process: <see cref="LocalRunnerFixture"/>, as the end-to-end tests run it)
/// and one headless Chromium for the tests of a class. Chromium is the
/// system's (<c>apt-get install -y chromium</c>): nothing is downloaded, and when it is missing every test fails saying so.
/// </summary>
public sealed partial class BrowserFixture : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";
    private readonly LocalRunnerFixture _system = new("browser-tests-secret-0123456789abcdefghij");
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public HttpClient Http { get; } = new();

    public LocalRunnerProcess Runner => _system.Runner;

    public IBrowser Browser => _browser ?? throw new InvalidOperationException("Not initialized.");

    private static readonly SemaphoreSlim InstallGate = new(1, 1);

    /// <summary>
    /// Installs Debian's Chromium when it is missing and the tests run as root with apt-get (a fresh machine, CI), as the
    /// storage tests install Azurite with npm: <c>dotnet test</c> alone works on a fresh machine. Otherwise fails, saying so.
    /// </summary>
    private static async Task EnsureChromiumAsync()
    {
        if (File.Exists(ChromiumPath))
        {
            return;
        }

        await InstallGate.WaitAsync();
        try
        {
            if (File.Exists(ChromiumPath))
            {
                return;
            }

            if (!OperatingSystem.IsLinux() || Environment.UserName != "root" || !File.Exists("/usr/bin/apt-get"))
            {
                throw new InvalidOperationException(
                    $"Chromium is not installed at {ChromiumPath}: the browser tests drive the system's Chromium and download none. " +
                    "Install it with 'apt-get update && apt-get install -y chromium'.");
            }

            var install = new System.Diagnostics.ProcessStartInfo("/bin/sh")
            {
                ArgumentList = { "-c", "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium" },
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            using var process = System.Diagnostics.Process.Start(install)!;
            var output = process.StandardOutput.ReadToEndAsync();
            var errors = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            if (process.ExitCode != 0 || !File.Exists(ChromiumPath))
            {
                throw new InvalidOperationException($"Installing Chromium failed ({process.ExitCode}):\n{await output}\n{await errors}");
            }
        }
        finally
        {
            InstallGate.Release();
        }
    }

    public async Task InitializeAsync()
    {
        await EnsureChromiumAsync();

        await _system.InitializeAsync();
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.CloseAsync();
            await _browser.DisposeAsync();
        }

        _playwright?.Dispose();
        await _system.DisposeAsync();
        Http.Dispose();
    }

    public static string NewTicker() => "B" + string.Concat(Guid.NewGuid().ToString("N").Where(char.IsLetter).Take(6)).ToUpperInvariant().PadRight(6, 'Q');

    public static string NewEmail() => $"reader-{Guid.NewGuid():N}@example.com";

    /// <summary>
    /// The README's walk-through over HTTP: subscribe, confirm through the link of the confirmation .eml, post a signed
    /// change on <paramref name="ticker"/>, and take the manage link from the alert .eml that follows.
    /// </summary>
    public async Task<Subscribed> SubscribeConfirmAndGetAlertAsync(string email, string ticker, string company = "Browser Test")
    {
        var created = await Http.PostAsJsonAsync($"{Runner.BaseUrl}/api/subscriptions", new { email, tickers = new[] { ticker } });
        Assert.Equal(System.Net.HttpStatusCode.Created, created.StatusCode);
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;

        var confirmation = await WaitForEmailAsync(email, IsConfirmation, "the confirmation email");
        var confirmed = await Http.PostAsync(Assert.Single(LinksIn(confirmation)), content: null);
        Assert.True(confirmed.IsSuccessStatusCode, $"confirming answered {confirmed.StatusCode}");

        await PostRatingsAsync($$"""{"ticker":"{{ticker}}","company":"{{company}}","firm":"J.P. Morgan","fromRating":"Neutral","toRating":"Overweight","fromTarget":12,"toTarget":18}""");

        var alert = await WaitForEmailAsync(email, m => !IsConfirmation(m), "the alert email");
        var manage = LinksIn(alert).First(l => l.AbsolutePath.EndsWith("/manage", StringComparison.Ordinal));
        Assert.Equal($"/api/subscriptions/{id}/manage", manage.AbsolutePath);
        var token = Uri.UnescapeDataString(manage.Query["?token=".Length..]);
        var tickerPage = LinksIn(alert).FirstOrDefault(l => l.AbsolutePath.StartsWith("/t/", StringComparison.Ordinal));
        return new Subscribed(id, email, ticker, manage, token, tickerPage);
    }

    /// <summary>POSTs <paramref name="body"/> (JSON or NDJSON) to /api/ratings, signed as a vendor signs it, and expects 202.</summary>
    public async Task PostRatingsAsync(string body, string contentType = "application/json")
    {
        var response = await _system.PostSignedAsync(body, contentType);
        Assert.True(response.StatusCode == System.Net.HttpStatusCode.Accepted, $"POST /api/ratings answered {response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }

    /// <summary>The subscription as stored, read over HTTP with its manage token.</summary>
    public async Task<JsonElement> GetSubscriptionAsync(Subscribed subscribed)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, $"{Runner.BaseUrl}/api/subscriptions/{subscribed.Id}");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", subscribed.Token);
        var response = await Http.SendAsync(request);
        Assert.True(response.IsSuccessStatusCode, $"GET /api/subscriptions/{subscribed.Id} answered {response.StatusCode}");
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    public async Task<System.Net.HttpStatusCode> GetSubscriptionStatusAsync(Subscribed subscribed)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, $"{Runner.BaseUrl}/api/subscriptions/{subscribed.Id}");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", subscribed.Token);
        return (await Http.SendAsync(request)).StatusCode;
    }

    private List<MimeMessage> Emails(string to) =>
        Directory.Exists(Runner.Mailbox)
            ? Directory.GetFiles(Runner.Mailbox, "*.eml")
                .Order(StringComparer.Ordinal)
                .Select(path => MimeMessage.Load(path))
                .Where(m => m.To.Mailboxes.Any(a => string.Equals(a.Address, to, StringComparison.OrdinalIgnoreCase)))
                .ToList()
            : [];

    private async Task<MimeMessage> WaitForEmailAsync(string to, Func<MimeMessage, bool> predicate, string what)
    {
        MimeMessage? found = null;
        await Eventually.UntilAsync(() => (found = Emails(to).FirstOrDefault(predicate)) is not null, TimeSpan.FromSeconds(30), what + " is in the mailbox\n" + Runner.Output);
        return found!;
    }

    private static bool IsConfirmation(MimeMessage message) => (message.Subject ?? string.Empty).Contains("Confirm", StringComparison.Ordinal);

    private static List<Uri> LinksIn(MimeMessage message) =>
        UrlPattern().Matches(message.TextBody ?? string.Empty).Select(m => new Uri(m.Value)).ToList();

    [GeneratedRegex(@"https?://\S+")]
    private static partial Regex UrlPattern();
}

/// <summary>A confirmed subscription with an alert in the mailbox, and the manage link (and the ticker's page link) of that alert.</summary>
public sealed record Subscribed(string Id, string Email, string Ticker, Uri ManageLink, string Token, Uri? TickerLink = null);
