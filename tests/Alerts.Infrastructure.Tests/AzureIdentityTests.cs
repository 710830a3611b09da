using Azure.Identity;

namespace Alerts.Infrastructure.Tests;

/// <summary>Which identity the app signs in to Azure services with, where.</summary>
public sealed class AzureIdentityTests
{
    [Fact]
    public void Choose_InAzureWithTheIdentitysClientId_IsThatUserAssignedManagedIdentity()
    {
        var identity = AzureIdentity.Choose(" 0b3f6a2e-1c4d-4e5f-9a8b-7c6d5e4f3a2b ", local: false);

        Assert.Equal(new AzureIdentity(AzureIdentityKind.UserAssigned, "0b3f6a2e-1c4d-4e5f-9a8b-7c6d5e4f3a2b"), identity);
        Assert.IsType<ManagedIdentityCredential>(identity.ToCredential());
    }

    [Fact]
    public void Choose_InAzureWithoutAClientId_IsTheSystemAssignedManagedIdentity()
    {
        var identity = AzureIdentity.Choose(null, local: false);

        Assert.Equal(new AzureIdentity(AzureIdentityKind.SystemAssigned, null), identity);
        Assert.IsType<ManagedIdentityCredential>(identity.ToCredential());
    }

    [Fact]
    public void Choose_Locally_IsTheDevelopersOwnSignIn_EvenWithAClientIdSet()
    {
        var identity = AzureIdentity.Choose("0b3f6a2e-1c4d-4e5f-9a8b-7c6d5e4f3a2b", local: true);

        Assert.Equal(AzureIdentityKind.Developer, identity.Kind);
        Assert.IsType<DefaultAzureCredential>(identity.ToCredential());
    }
}
