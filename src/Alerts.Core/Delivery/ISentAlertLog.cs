namespace Alerts.Core.Delivery;

/// <summary>The alerts already sent, by alert id: a redelivered queue message never emails anyone twice.</summary>
public interface ISentAlertLog
{
    Task<bool> WasSentAsync(string alertId, CancellationToken cancellationToken);

    Task RecordSentAsync(string alertId, string subscriptionId, DateTimeOffset sentAt, CancellationToken cancellationToken);
}
