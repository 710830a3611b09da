using Alerts.Core.Delivery;

namespace Alerts.Core.Tests.TestSupport;

internal sealed class InMemorySuppressionList : ISuppressionList
{
    private readonly HashSet<string> _addresses = new(StringComparer.OrdinalIgnoreCase);

    public Task<bool> IsSuppressedAsync(string email, CancellationToken cancellationToken) => Task.FromResult(_addresses.Contains(email));

    public Task SuppressAsync(string email, string reason, DateTimeOffset at, CancellationToken cancellationToken)
    {
        _addresses.Add(email);
        return Task.CompletedTask;
    }
}
