using Alerts.Testing;

namespace Alerts.Feeds.Tests.TestSupport;

/// <summary>One Azurite for the assembly: every class that stores changes or cursors joins this collection.</summary>
[CollectionDefinition(Name)]
public sealed class AzuriteCollection : ICollectionFixture<AzuriteFixture>
{
    public const string Name = "Azurite";
}
