using Alerts.Testing;

namespace Alerts.Infrastructure.Tests.TestSupport;

/// <summary>One Azurite for the whole assembly: every class that talks to storage joins this collection.</summary>
[CollectionDefinition(Name)]
public sealed class AzuriteCollection : ICollectionFixture<AzuriteFixture>
{
    public const string Name = "Azurite";
}
