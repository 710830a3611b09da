namespace Alerts.Core.Delivery;

/// <summary>Addresses that must not be emailed again: they bounced, were dropped, reported spam or unsubscribed at the carrier.</summary>
public interface ISuppressionList
{
    Task<bool> IsSuppressedAsync(string email, CancellationToken cancellationToken);

    Task SuppressAsync(string email, string reason, DateTimeOffset at, CancellationToken cancellationToken);
}
