namespace Alerts.Core.Matching;

/// <summary>Deterministic ids: the same (change, subscriber) is always the same alert, however often it is matched.</summary>
public static class AlertIds
{
    public static string For(string changeId, string subscriptionId) => Ids.Digest("alert", changeId, subscriptionId, 32);

    /// <summary>The id of a queue message carrying these alerts (the Service Bus MessageId, for duplicate detection).</summary>
    public static string ForMessage(IEnumerable<string> alertIds) => Ids.Digest("message|" + string.Join(',', alertIds), 32);
}
