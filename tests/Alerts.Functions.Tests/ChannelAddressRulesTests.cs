using Alerts.Testing;
using Microsoft.AspNetCore.Http;

namespace Alerts.Functions.Tests;

/// <summary>Channel URLs as in Azure (<c>Channels__AllowLoopback</c> off): https only, and no private, link-local or loopback address.</summary>
public sealed class ChannelAddressRulesTests : IAsyncLifetime
{
    private readonly AlertsApp _app = AlertsApp.With(new Dictionary<string, string?> { ["Channels:AllowLoopback"] = "false" });

    public Task InitializeAsync() => _app.InitializeAsync();

    public Task DisposeAsync() => _app.DisposeAsync();

    private async Task<(AlertsApp.Response Response, string Email)> CreateAsync(string type, string url)
    {
        var email = TestData.Email();
        var response = await _app.CallAsync(
            r => _app.Subscriptions.CreateAsync(r, CancellationToken.None), "POST", "/api/subscriptions",
            $"{{\"email\":\"{email}\",\"tickers\":[\"{TestData.Ticker()}\"],\"channels\":[{{\"type\":\"{type}\",\"url\":\"{url}\"}}]}}", "application/json");
        return (response, email);
    }

    private void AssertRefused((AlertsApp.Response Response, string Email) result, string field, string says)
    {
        Assert.Equal(StatusCodes.Status400BadRequest, result.Response.Status);
        Assert.Equal("application/problem+json", result.Response.ContentType);
        var error = result.Response.Json().GetProperty("errors")[0];
        Assert.Equal(field, error.GetProperty("field").GetString());
        Assert.Contains(says, error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Empty(_app.Emails(result.Email));
    }

    [Fact]
    public async Task Create_UrlToAPrivateAddress_400NamingTheField() =>
        AssertRefused(await CreateAsync("webhook", "https://10.0.0.1/hook"), "channels[0].url", "private address");

    [Theory]
    [InlineData("https://169.254.169.254/metadata", "link-local")]
    [InlineData("https://192.168.1.10/hook", "private address")]
    [InlineData("https://[fd00::1]/hook", "private address")]
    [InlineData("https://[::ffff:10.1.2.3]/hook", "private address")]
    public async Task Create_UrlToAnAddressInsideTheNetwork_400(string url, string says) =>
        AssertRefused(await CreateAsync("slack", url), "channels[0].url", says);

    [Fact]
    public async Task Create_LoopbackReceiver_RefusedBeforeAnyConnection()
    {
        await using var receiver = await CaptureServer.StartAsync();

        AssertRefused(await CreateAsync("webhook", $"https://127.0.0.1:{receiver.Port}/hook"), "channels[0].url", "loopback");

        Assert.Empty(receiver.Requests);
    }

    [Fact]
    public async Task Create_NotHttps_400NamingTheField() =>
        AssertRefused(await CreateAsync("webhook", "http://hooks.example.com/hook"), "channels[0].url", "https");

    [Fact]
    public async Task Create_UrlTooLong_400NamingTheField() =>
        AssertRefused(await CreateAsync("teams", "https://example.com/" + new string('a', 2100)), "channels[0].url", "at most 2048");

    [Fact]
    public async Task Create_UnknownType_400NamingTheField() =>
        AssertRefused(await CreateAsync("telegram", "https://example.com/hook"), "channels[0].type", "webhook, slack, teams");
}
