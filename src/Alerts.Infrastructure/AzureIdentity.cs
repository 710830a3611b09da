using Azure.Core;
using Azure.Identity;

namespace Alerts.Infrastructure;

/// <summary>
/// Who the app is when it reaches Azure services by URI (tables, queues, Service Bus) rather than by connection string.
/// In Azure: the managed identity, the user-assigned one whose client id <c>AZURE_CLIENT_ID</c> names (as
/// <c>infra/main.bicep</c> sets it), else the system-assigned one; asked of the platform directly, with no chain of
/// other credentials tried first. On a developer's machine (local mode) pointed at a real account: whoever
/// <see cref="DefaultAzureCredential"/> finds (<c>az login</c>, Visual Studio, environment variables).
/// </summary>
internal sealed record AzureIdentity(AzureIdentityKind Kind, string? ClientId)
{
    /// <summary>The setting with the user-assigned identity's client id (infra/main.bicep writes it).</summary>
    public const string ClientIdSetting = "AZURE_CLIENT_ID";

    public static AzureIdentity Choose(string? clientId, bool local) =>
        local ? new(AzureIdentityKind.Developer, null)
        : string.IsNullOrWhiteSpace(clientId) ? new(AzureIdentityKind.SystemAssigned, null)
        : new(AzureIdentityKind.UserAssigned, clientId.Trim());

    public TokenCredential ToCredential() => Kind switch
    {
        AzureIdentityKind.UserAssigned => new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(ClientId!)),
        AzureIdentityKind.SystemAssigned => new ManagedIdentityCredential(ManagedIdentityId.SystemAssigned),
        _ => new DefaultAzureCredential(),
    };
}
