using Xunit;

namespace Alerts.Testing;

/// <summary>
/// xUnit fixture (class or collection fixture) that starts one <see cref="AzuriteServer"/> for the tests sharing it
/// and disposes it afterwards.
/// </summary>
public sealed class AzuriteFixture : IAsyncLifetime
{
    private AzuriteServer? _server;

    /// <summary>The running server. Throws if accessed before xUnit has initialized the fixture.</summary>
    public AzuriteServer Server => _server ?? throw new InvalidOperationException("AzuriteFixture has not been initialized yet.");

    /// <summary>Shortcut for <c>Server.ConnectionString</c>.</summary>
    public string ConnectionString => Server.ConnectionString;

    public async Task InitializeAsync() => _server = await AzuriteServer.StartAsync().ConfigureAwait(false);

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync().ConfigureAwait(false);
        }
    }
}
