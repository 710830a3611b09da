using Alerts.Core;
using Alerts.Core.Security;
using Alerts.Infrastructure.Email;
using Alerts.Infrastructure.Queues;
using Alerts.Infrastructure.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Alerts.Api;

/// <summary>
/// Settings the app must not start without, checked on start (each failure names its setting, never its value):
/// every webhook secret, link-signing key and admin key follows <see cref="SecretRules"/>, one by one; outside
/// <see cref="HostingMode">local mode</see> the storage account and SendGrid must be configured, so that the app never
/// falls back to an emulator nobody runs or to writing emails, with their manage links, on its own disk.
/// </summary>
internal sealed class StartupChecks(IConfiguration configuration) :
    IValidateOptions<WebhookOptions>,
    IValidateOptions<AlertsOptions>,
    IValidateOptions<AdminOptions>,
    IValidateOptions<StorageOptions>,
    IValidateOptions<SendGridOptions>
{
    private bool Local => HostingMode.IsLocal(configuration);

    public ValidateOptionsResult Validate(string? name, WebhookOptions options) =>
        Secrets("Webhook:Secrets", options.SecretList, required: true, allowDevelopmentSecret: Local);

    public ValidateOptionsResult Validate(string? name, AlertsOptions options) =>
        Secrets("Alerts:SigningKeys", options.SigningKeyList, required: true, allowDevelopmentSecret: false);

    public ValidateOptionsResult Validate(string? name, AdminOptions options) =>
        Secrets("Admin:Keys", options.KeyList, required: false, allowDevelopmentSecret: false);

    public ValidateOptionsResult Validate(string? name, StorageOptions options)
    {
        if (Local)
        {
            return ValidateOptionsResult.Success;
        }

        var connection = IsRealAccount(options.ConnectionString);
        var serviceBus = configuration.GetSection(ServiceBusOptions.SectionName).Get<ServiceBusOptions>() ?? new ServiceBusOptions();
        if (options.TableServiceUri is null && !connection)
        {
            return ValidateOptionsResult.Fail("Storage: set Storage:TableServiceUri (with the app's managed identity) or Storage:ConnectionString of a real account; outside local mode (Hosting:Local) the app does not fall back to the storage emulator.");
        }

        if (options.QueueServiceUri is null && !connection && !serviceBus.IsConfigured)
        {
            return ValidateOptionsResult.Fail("Storage: set Storage:QueueServiceUri (or ServiceBus:FullyQualifiedNamespace for the alert queue); outside local mode (Hosting:Local) the app does not fall back to the storage emulator.");
        }

        return ValidateOptionsResult.Success;
    }

    public ValidateOptionsResult Validate(string? name, SendGridOptions options)
    {
        if (Local)
        {
            return ValidateOptionsResult.Success;
        }

        if (string.IsNullOrWhiteSpace(options.ApiKey))
        {
            return ValidateOptionsResult.Fail("SendGrid:ApiKey is required outside local mode (Hosting:Local): without it emails, with their manage links, would be written to the app's disk.");
        }

        return SecretRules.IsKeyVaultReference(options.ApiKey)
            ? ValidateOptionsResult.Fail("SendGrid:ApiKey is an unresolved Key Vault reference: App Service could not read the secret.")
            : ValidateOptionsResult.Success;
    }

    private static ValidateOptionsResult Secrets(string setting, IReadOnlyList<string> values, bool required, bool allowDevelopmentSecret)
    {
        if (required && values.Count == 0)
        {
            return ValidateOptionsResult.Fail($"{setting} needs at least one secret of {SecretRules.MinimumLength} or more characters.");
        }

        var failures = new List<string>();
        for (var i = 0; i < values.Count; i++)
        {
            if (allowDevelopmentSecret && values[i] == SecretRules.DevelopmentWebhookSecret)
            {
                continue;
            }

            if (SecretRules.Problem(values[i]) is { } problem)
            {
                failures.Add($"{setting} (entry {i + 1} of {values.Count}) {problem}.");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>A connection string of a storage account in Azure, not the emulator's.</summary>
    private static bool IsRealAccount(string? connectionString) =>
        !string.IsNullOrWhiteSpace(connectionString)
        && !connectionString.Contains("UseDevelopmentStorage", StringComparison.OrdinalIgnoreCase)
        && !connectionString.Contains("devstoreaccount1", StringComparison.OrdinalIgnoreCase);
}
