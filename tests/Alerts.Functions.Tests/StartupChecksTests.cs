using Alerts.Api;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Alerts.Functions.Tests;

/// <summary>
/// Issue 19, findings 1 and 7: the app refuses to start on a secret that is an unresolved Key Vault reference, a
/// placeholder or too short (each webhook secret, link-signing key and admin key on its own), naming the setting; and
/// outside local mode, on missing storage or SendGrid settings. These start a real host, as the Functions app and the
/// local runner do, and no request is ever served by an app that did not start.
/// </summary>
public sealed class StartupChecksTests
{
    private const string Good = "9f2c4e1a7b3d8c6e0f5a2b9d4c7e1f3a"; // 32 characters
    private const string AlsoGood = "Zk3Qv8Yw1Lm6Np0Rt5Ux9Ab2Cd7Ef4Gh";
    private const int SecretRulesMinimum = 20;

    private const string KeyVaultReference = "@Microsoft.KeyVault(SecretUri=https://alerts-kv.vault.azure.net/secrets/webhook-secret/)";

    private static Dictionary<string, string?> Local() => new()
    {
        ["Hosting:Local"] = "true",
        ["Webhook:Secrets"] = Good,
        ["Alerts:SigningKeys"] = AlsoGood,
        ["Admin:Keys"] = Good + "-admin",
    };

    private static Dictionary<string, string?> InAzure() => new()
    {
        ["Hosting:Local"] = "false",
        ["Webhook:Secrets"] = Good,
        ["Alerts:SigningKeys"] = AlsoGood,
        ["Storage:TableServiceUri"] = "https://alertsstorage.table.core.windows.net",
        ["Storage:QueueServiceUri"] = "https://alertsstorage.queue.core.windows.net",
        ["SendGrid:ApiKey"] = "SG.abcdefghijklmnopqrstuv.abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG",
    };

    private static Dictionary<string, string?> With(Dictionary<string, string?> settings, string key, string? value)
    {
        settings[key] = value;
        return settings;
    }

    /// <summary>Builds and starts a host with <see cref="AlertsServiceCollectionExtensions.AddAlerts"/>; the start-up checks' failure, if any.</summary>
    private static async Task<string?> StartAsync(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddAlerts(builder.Configuration);

        // Only the start-up checks are under test: nothing else runs (no storage is reached).
        builder.Services.RemoveAll<IHostedService>();
        builder.Logging.ClearProviders();
        using var host = builder.Build();
        try
        {
            await host.StartAsync();
            await host.StopAsync();
            return null;
        }
        catch (OptionsValidationException ex)
        {
            return ex.Message;
        }
        catch (AggregateException ex) when (ex.InnerExceptions.All(e => e is OptionsValidationException))
        {
            // Several settings wrong: each is named.
            return string.Join(" | ", ex.InnerExceptions.Select(e => e.Message));
        }
    }

    public static TheoryData<string, string, string> RefusedSecrets()
    {
        var data = new TheoryData<string, string, string>();
        string[] settings = ["Webhook:Secrets", "Alerts:SigningKeys", "Admin:Keys"];
        var values = new Dictionary<string, string>
        {
            ["unresolved Key Vault reference"] = KeyVaultReference,
            ["Key Vault reference by name"] = "@Microsoft.KeyVault(VaultName=alerts-kv;SecretName=admin-key)",
            ["changeme"] = "changeme",
            ["angle-bracket placeholder"] = "<your-webhook-secret-goes-here-please-1234>",
            ["TODO"] = "TODO",
            ["placeholder"] = "placeholder-placeholder-placeholder",
            ["secret"] = "secret",
            ["the example settings' value"] = "replace-with-a-long-random-secret",
            ["31 characters"] = Good[..31],
            ["one repeated character"] = new string('a', 40),
            ["the local runner's development secret"] = "local-development-secret",
            ["one good and one bad"] = Good + ";" + KeyVaultReference,
        };
        foreach (var setting in settings)
        {
            foreach (var (name, value) in values)
            {
                data.Add(setting, name, value);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(RefusedSecrets))]
    public async Task Start_BadSecretInAzure_IsRefusedNamingTheSetting(string setting, string what, string value)
    {
        var failure = await StartAsync(With(InAzure(), setting, value));

        Assert.True(failure is not null, $"{setting} holding {what} was accepted");
        Assert.Contains(setting, failure, StringComparison.Ordinal);
        if (value.Length >= SecretRulesMinimum)
        {
            Assert.DoesNotContain(value.Split(';')[^1], failure, StringComparison.Ordinal); // the log names the setting, never the value
        }

    }

    [Theory]
    [MemberData(nameof(RefusedSecrets))]
    public async Task Start_BadSecretLocally_IsRefusedExceptTheDevelopmentWebhookSecret(string setting, string what, string value)
    {
        var failure = await StartAsync(With(Local(), setting, value));

        if (setting == "Webhook:Secrets" && what == "the local runner's development secret")
        {
            Assert.Null(failure);
        }
        else
        {
            Assert.NotNull(failure);
            Assert.Contains(setting, failure, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Start_GoodSecretsInAzureAndLocally_Starts()
    {
        Assert.Null(await StartAsync(InAzure()));
        Assert.Null(await StartAsync(Local()));
        Assert.Null(await StartAsync(With(InAzure(), "Webhook:Secrets", $"{Good};{AlsoGood}")));
    }

    public static TheoryData<string, string?, string> MissingInAzure() => new()
    {
        { "Storage:TableServiceUri", null, "Storage" },
        { "Storage:QueueServiceUri", null, "Storage" },
        { "SendGrid:ApiKey", null, "SendGrid:ApiKey" },
        { "SendGrid:ApiKey", KeyVaultReference, "SendGrid:ApiKey" },
    };

    [Theory]
    [MemberData(nameof(MissingInAzure))]
    public async Task Start_StorageOrSendGridMissingInAzure_IsRefused(string setting, string? value, string named)
    {
        var failure = await StartAsync(With(InAzure(), setting, value));

        Assert.NotNull(failure);
        Assert.Contains(named, failure, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_EmulatorConnectionStringInAzure_IsRefused()
    {
        var settings = InAzure();
        settings.Remove("Storage:TableServiceUri");
        settings.Remove("Storage:QueueServiceUri");

        var byDefault = await StartAsync(settings);
        var explicitly = await StartAsync(With(settings, "Storage:ConnectionString", "UseDevelopmentStorage=true"));
        var realAccount = await StartAsync(With(settings, "Storage:ConnectionString", "DefaultEndpointsProtocol=https;AccountName=alertsstorage;AccountKey=" + Convert.ToBase64String(new byte[64]) + ";EndpointSuffix=core.windows.net"));

        Assert.Contains("Storage", byDefault, StringComparison.Ordinal);
        Assert.Contains("Storage", explicitly, StringComparison.Ordinal);
        Assert.Null(realAccount);
    }

    [Fact]
    public async Task Start_NoStorageOrSendGridLocally_StartsWithTheEmulatorAndThePickupDirectory() =>
        Assert.Null(await StartAsync(Local()));

    [Fact]
    public async Task Start_WithoutHostingMode_IsNotLocal()
    {
        var settings = Local();
        settings.Remove("Hosting:Local");

        Assert.Contains("outside local mode (Hosting:Local)", await StartAsync(settings), StringComparison.Ordinal);
    }
}
