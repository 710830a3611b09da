using Microsoft.Extensions.Configuration;

namespace Alerts.Api;

/// <summary>
/// Local mode (<c>Hosting:Local=true</c>): development on one machine, where a missing storage account means Azurite, a
/// missing SendGrid key means .eml files on disk, and the local runner's public development webhook secret is accepted.
/// The local runner always sets it; the Functions app sets it when it is not running in Azure (see
/// <c>Alerts.Functions.AzureDefaults</c>) and clears it when it is. Anything else (no setting) is not local.
/// </summary>
public static class HostingMode
{
    public const string LocalKey = "Hosting:Local";

    public static bool IsLocal(IConfiguration configuration) =>
        bool.TryParse(configuration[LocalKey], out var local) && local;
}
