namespace Alerts.Infrastructure;

/// <summary>Which credential <see cref="AzureIdentity"/> stands for.</summary>
internal enum AzureIdentityKind
{
    /// <summary>A developer's own sign-in (<c>DefaultAzureCredential</c>), in local mode only.</summary>
    Developer,

    /// <summary>The app's user-assigned managed identity, by its client id.</summary>
    UserAssigned,

    /// <summary>The app's system-assigned managed identity.</summary>
    SystemAssigned,
}
