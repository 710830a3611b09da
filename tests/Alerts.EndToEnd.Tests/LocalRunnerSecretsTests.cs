using System.Net;
using System.Text;
using Alerts.Core.Security;
using Alerts.Testing;

namespace Alerts.EndToEnd.Tests;

/// <summary>
/// Issue 19, findings 1 and 7, on the local runner as a user starts it: with nothing set it runs (the development webhook
/// secret signs, Azurite and the pickup directory are used), its link-signing key file is its owner's only (0600), and
/// it refuses to start on an unresolved Key Vault reference, naming the setting.
/// </summary>
public sealed class LocalRunnerSecretsTests : IAsyncLifetime
{
    /// <summary>Azurite, and a runner started by each test with nothing set (an empty webhook secret is the same as none).</summary>
    private readonly LocalRunnerFixture _system = new(string.Empty, startRunner: false);

    public Task InitializeAsync() => _system.InitializeAsync();

    public Task DisposeAsync() => _system.DisposeAsync();

    [Fact]
    public async Task LocalRunner_NoSecretsSet_SignsWithTheDevelopmentSecretAndKeepsItsKeyFileOwnerOnly()
    {
        // An empty Webhook__Secrets is the same as none: the runner uses its development secret.
        var runner = await _system.StartRunnerAsync();
        using var http = new HttpClient();
        var body = "{\"ticker\":\"DEVSEC\",\"firm\":\"UBS\",\"toRating\":\"Buy\"}";
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{runner.BaseUrl}/api/ratings?dryRun=true") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add(WebhookSignature.HeaderName, WebhookSignature.SignV2(SecretRules.DevelopmentWebhookSecret, DateTimeOffset.UtcNow.ToUnixTimeSeconds(), "/api/ratings?dryRun=true", Encoding.UTF8.GetBytes(body)));

        var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Contains(SecretRules.DevelopmentWebhookSecret, runner.Output, StringComparison.Ordinal);
        var keyFile = Path.Combine(_system.WorkDirectory, ".alerts", "signing-key");
        Assert.True(File.Exists(keyFile));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(keyFile));
        }
    }

    [Fact]
    public async Task LocalRunner_KeyFileLeftReadableByOthers_IsMadeOwnerOnly()
    {
        var data = Path.Combine(_system.WorkDirectory, ".alerts");
        Directory.CreateDirectory(data);
        var keyFile = Path.Combine(data, "signing-key");
        await File.WriteAllTextAsync(keyFile, Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)));
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        File.SetUnixFileMode(keyFile, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        await _system.StartRunnerAsync();

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(keyFile));
    }

    [Fact]
    public async Task LocalRunner_UnresolvedKeyVaultReference_RefusesToStartNamingTheSetting()
    {
        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => LocalRunnerProcess.StartAsync(
            _system.Azurite.ConnectionString, "@Microsoft.KeyVault(SecretUri=https://alerts-kv.vault.azure.net/secrets/webhook/)", _system.WorkDirectory));

        Assert.Contains("Webhook:Secrets", failure.Message, StringComparison.Ordinal);
        Assert.Contains("Key Vault", failure.Message, StringComparison.Ordinal);
    }
}
