namespace Alerts.Core.Feeds;

/// <summary>
/// The deliveries a vendor pushed that were handled, by the vendor's delivery id, so that a delivery sent again (a retry
/// after a lost answer, or a late one, after a newer update of its record) changes nothing.
/// </summary>
public interface IFeedDeliveryLog
{
    /// <summary>Of <paramref name="deliveryIds"/>, those handled before.</summary>
    Task<IReadOnlySet<string>> SeenAsync(string source, IReadOnlyList<string> deliveryIds, CancellationToken cancellationToken);

    /// <summary>Records <paramref name="deliveryIds"/> as handled; called only once what they carried is stored.</summary>
    Task RecordAsync(string source, IReadOnlyList<string> deliveryIds, DateTimeOffset at, CancellationToken cancellationToken);
}
