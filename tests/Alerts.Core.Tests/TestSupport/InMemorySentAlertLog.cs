using Alerts.Core.Delivery;

namespace Alerts.Core.Tests.TestSupport;

internal sealed class InMemorySentAlertLog : ISentAlertLog
{
    public Dictionary<string, (string SubscriptionId, DateTimeOffset SentAt)> Records { get; } = new(StringComparer.Ordinal);

    public Task<bool> WasSentAsync(string alertId, CancellationToken cancellationToken) =>
        Task.FromResult(Records.ContainsKey(alertId));

    public Task RecordSentAsync(string alertId, string subscriptionId, DateTimeOffset sentAt, CancellationToken cancellationToken)
    {
        Records[alertId] = (subscriptionId, sentAt);
        return Task.CompletedTask;
    }
}
