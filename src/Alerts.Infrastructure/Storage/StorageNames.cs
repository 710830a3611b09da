namespace Alerts.Infrastructure.Storage;

/// <summary>The names of every table, queue and row-key prefix, in one place.</summary>
internal static class StorageNames
{
    /// <summary>The change log: PartitionKey = ticker; log rows newest first, plus de-duplication key rows.</summary>
    public const string RatingChangesTable = "RatingChanges";

    /// <summary>One row per subscription: PartitionKey = subscription id.</summary>
    public const string SubscriptionsTable = "Subscriptions";

    /// <summary>The subscriber index: PartitionKey = ticker, RowKey = subscription id.</summary>
    public const string SubscriberIndexTable = "SubscriberIndex";

    /// <summary>Confirmation emails sent per address in the last hour: PartitionKey = digest of the address.</summary>
    public const string ConfirmationLogTable = "ConfirmationLog";

    /// <summary>The subscriptions of each mailbox: PartitionKey = digest of the canonical mailbox, RowKey = subscription id.</summary>
    public const string MailboxesTable = "Mailboxes";

    /// <summary>Alerts already emailed: PartitionKey = alert id.</summary>
    public const string SentAlertsTable = "SentAlerts";

    /// <summary>The outbox: PartitionKey = the minute the entry was written (yyyyMMddHHmm), RowKey = {ticker}|{change id}.</summary>
    public const string OutboxTable = "Outbox";

    /// <summary>Addresses never to email again (bounced, dropped, spam report, unsubscribed at SendGrid): PartitionKey = digest of the address.</summary>
    public const string SuppressionsTable = "Suppressions";

    /// <summary>Each polled feed's cursor: PartitionKey = source name, one row.</summary>
    public const string FeedCursorsTable = "FeedCursors";

    /// <summary>Deliveries pushed by a vendor and handled (PartitionKey = source, RowKey = a digest of the delivery id).</summary>
    public const string FeedDeliveriesTable = "FeedDeliveries";

    /// <summary>Alerts held for a digest: PartitionKey = subscription id, RowKey = <c>a_{alert id}</c>, plus the <c>batch</c> row of a digest being sent.</summary>
    public const string HeldAlertsTable = "HeldAlerts";

    /// <summary>Digests due: PartitionKey = the due minute (yyyyMMddHHmm, UTC), RowKey = subscription id.</summary>
    public const string DigestsDueTable = "DigestsDue";

    /// <summary>Instant emails in the current clock hour, for subscribers with a cap: PartitionKey = subscription id, one row.</summary>
    public const string HourlySendsTable = "HourlySends";

    /// <summary>How each subscription's channels fare (dead letters in a row, pause): PartitionKey = subscription id, RowKey = channel id.</summary>
    public const string ChannelStatesTable = "ChannelStates";

    /// <summary>RowKey prefix of a held alert: <c>a_{alert id}</c>.</summary>
    public const string HeldAlertPrefix = "a_";

    /// <summary>RowKey of the digest being sent in a held-alerts partition.</summary>
    public const string DigestBatchRowKey = "batch";

    /// <summary>The Storage queue that carries alerts when no Service Bus is configured.</summary>
    public const string AlertsQueue = "alerts";

    /// <summary>Where Storage-queue messages go after the last failed attempt.</summary>
    public const string AlertsPoisonQueue = "alerts-poison";

    /// <summary>The Storage queue of fan-out messages (<see cref="Core.Ingest.ChangesStored"/>), and where they go after their last attempt.</summary>
    public const string ChangesQueue = Core.Ingest.ChangesStored.QueueName;

    public const string ChangesPoisonQueue = Core.Ingest.ChangesStored.PoisonQueueName;

    /// <summary>RowKey prefix of log rows: <c>log_{inverted ticks of publishedAt}_{change id}</c>.</summary>
    public const string LogRowPrefix = "log_";

    /// <summary>RowKey prefix of a change's content key row: <c>key_c_{change id}</c>.</summary>
    public const string ContentKeyPrefix = "key_c_";

    /// <summary>RowKey prefix of a change's sender-id key row: <c>key_s_{digest of source and sender id}</c>.</summary>
    public const string SenderKeyPrefix = "key_s_";

    /// <summary>Row key prefix of a change's pending-dispatch row (its outbox record) in its ticker's partition.</summary>
    public const string PendingRowPrefix = "pending_";

    /// <summary>
    /// In the rating-changes table, the partition (this prefix and a digest of the source's name) holding a row per sender record
    /// (RowKey: the sender key's digest) naming its ticker, for a source that later names the record by its id alone
    /// (Benzinga's removed records). No ticker can start with it.
    /// </summary>
    public const string SenderIndexPartitionPrefix = "senders~";

    public const string SingletonRowKey = "";

    public static IReadOnlyList<string> AllTables { get; } =
        [RatingChangesTable, SubscriptionsTable, SubscriberIndexTable, ConfirmationLogTable, MailboxesTable, SentAlertsTable, OutboxTable, SuppressionsTable, FeedCursorsTable, FeedDeliveriesTable, HeldAlertsTable, DigestsDueTable, HourlySendsTable, ChannelStatesTable];
}
