using Alerts.Core.Delivery;

namespace Alerts.Core.Tests.TestSupport;

internal sealed class InMemorySuppressionList : ISuppressionList
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, bool> _addresses = new(StringComparer.OrdinalIgnoreCase);

    public Task<bool> IsSuppressedAsync(string email, CancellationToken cancellationToken) => Task.FromResult(_addresses.ContainsKey(email));

    public Task SuppressAsync(string email, string reason, DateTimeOffset at, CancellationToken cancellationToken)
    {
        _addresses[email] = true;
        return Task.CompletedTask;
    }
}
