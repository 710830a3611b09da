using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text;
using Alerts.Core;
using Alerts.Core.Delivery;
using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Options;

namespace Alerts.Infrastructure.Storage;

/// <summary>
/// The sent log of one change's recipients, recorded together: a row per change and <em>bucket</em> of subscribers (the
/// first <see cref="BucketLength"/> characters of the subscription id), holding each of its recipients' state
/// (<c>Sending</c> with its claim's time and token, <c>Sent</c>, <c>Refused</c> with the reason). A ticker's index is read
/// in subscription-id order, so the recipients of one queue message, and of the messages received together, fall into a
/// run of neighbouring buckets: 100,000 followers make 256 rows of about 390 recipients each, claimed and marked in a
/// transaction or two per received batch, instead of two writes per recipient. A row holds up to about 8,000 recipients
/// (an entity's 1 MiB), so a ticker may have up to about 2,000,000 followers. Membership needs no agreement between runs: a recipient's
/// row depends on its subscription id alone, so a fan-out redone after a crash, with other message boundaries, meets the
/// same rows.
/// </summary>
/// <remarks>
/// Rows live in <see cref="Partitions"/> partitions (<c>c0</c>..<c>cf</c>, by a stable hash of the change id; RowKey =
/// <c>{change}|{bucket}</c>), so the rows of one change share a partition (and its transactions) and the rows of the
/// changes received together, each followed by a few people, still share a few transactions. Every write is conditional:
/// an insert where no row was known, else a replace under the ETag last seen; a transaction that meets a row written
/// meanwhile (another dispatcher, a neighbouring batch) fails whole, and is decided again on the rows read back.
/// </remarks>
internal sealed class ChangeRecipientRows(StorageBootstrapper storage, IOptions<DeliveryOptions> options)
{
    /// <summary>How many partitions the rows are spread over.</summary>
    public const int Partitions = 16;

    /// <summary>How many leading characters of a subscription id name its bucket (256 buckets of hex ids).</summary>
    public const int BucketLength = 2;

    public const char Sending = 'S';
    public const char Sent = 'D';
    public const char Refused = 'R';
    public const char Held = 'H';

    private const int RowsPerTransaction = 100;
    private const int CharsPerTransaction = 2_000_000; // a transaction's body may hold 4 MiB
    private const int CharsPerProperty = 30_000; // a string property holds 64 KiB
    private const int Properties = 15; // an entity holds 1 MiB
    private const int MaxReasonLength = 200;
    private const int Concurrency = 8;
    private const int MaxAttempts = 20;
    private const int MaxKnownRows = 50_000;

    /// <summary>Rows this process wrote or read lately, with their ETag: the mark after a claim needs no read.</summary>
    private readonly ConcurrentDictionary<(string Partition, string Row), Known> _known = new();

    private TableClient Table => storage.Table(StorageNames.SentAlertsTable);

    /// <summary>The partition of a change's rows: stable across processes and versions (<see cref="StablePartitions"/>).</summary>
    public static string PartitionOf(string changeId) => StablePartitions.Of("c", changeId, Partitions);

    /// <summary>The row of one recipient of a change.</summary>
    public static string RowOf(string changeId, string subscriptionId) =>
        Key(changeId) + "|" + Key(subscriptionId.Length > BucketLength ? subscriptionId[..BucketLength] : subscriptionId);

    /// <summary>
    /// Claims the alerts: a recipient with no state, or a stale claim, is claimed with <paramref name="token"/>; a claim with
    /// this token is this call's own (a write whose answer was lost); a fresh claim of another is <see cref="SendClaim.Busy"/>;
    /// a final state is <see cref="SendClaim.AlreadySent"/>.
    /// </summary>
    public Task<SendClaim[]> ClaimAsync(IReadOnlyList<SentAlert> alerts, DateTimeOffset now, string token, CancellationToken cancellationToken)
    {
        var timeout = TimeSpan.FromSeconds(options.Value.ClaimTimeoutSeconds).Ticks / TimeSpan.TicksPerMillisecond;
        var at = now.ToUnixTimeMilliseconds();
        return ApplyAsync(
            alerts,
            (_, entry) => entry switch
            {
                null => (new Entry(Sending, at, token, ""), SendClaim.Claimed),
                { State: Sending } when entry.Value.Token == token => (entry, SendClaim.Claimed),
                { State: Sending } when at - entry.Value.At < timeout => (entry, SendClaim.Busy),
                { State: Sending } => (new Entry(Sending, at, token, ""), SendClaim.Claimed),
                _ => (entry, SendClaim.AlreadySent),
            },
            cancellationToken);
    }

    /// <summary>Records a final state (<see cref="Sent"/>, <see cref="Refused"/>, <see cref="Held"/>) for the alerts.</summary>
    public Task MarkAsync(IReadOnlyList<SentAlert> alerts, char state, DateTimeOffset at, string? reason, CancellationToken cancellationToken)
    {
        var final = new Entry(state, at.ToUnixTimeMilliseconds(), "", Clean(reason));
        return ApplyAsync(alerts, (_, _) => ((Entry?)final, true), cancellationToken);
    }

    /// <summary>Gives up the claims of the alerts (a final state stays).</summary>
    public Task ReleaseAsync(IReadOnlyList<SentAlert> alerts, CancellationToken cancellationToken) =>
        ApplyAsync(alerts, (_, entry) => (entry is { State: Sending } ? null : entry, true), cancellationToken);

    /// <summary>
    /// What the rows say of <paramref name="subscriptionIds"/> for one change: their state (<see cref="Sending"/>,
    /// <see cref="Sent"/>, <see cref="Refused"/>); a subscription with none is left out. One read of the change's rows
    /// (a few pages for 100,000 followers), or a point read per bucket when few are asked about.
    /// </summary>
    public async Task<Dictionary<string, char>> StatesAsync(string changeId, IReadOnlyList<string> subscriptionIds, CancellationToken cancellationToken)
    {
        var partition = PartitionOf(changeId);
        var rows = subscriptionIds.Select(id => RowOf(changeId, id)).ToHashSet(StringComparer.Ordinal);
        var entries = new ConcurrentDictionary<string, char>(StringComparer.Ordinal);
        void Add(TableEntity row)
        {
            foreach (var (subscriptionId, entry) in Read(row))
            {
                entries[subscriptionId] = entry.State;
            }
        }

        if (rows.Count > 32)
        {
            var prefix = Key(changeId) + "|";
            var filter = TableClient.CreateQueryFilter($"PartitionKey eq {partition} and RowKey ge {prefix} and RowKey lt {Key(changeId) + "}"}");
            await foreach (var row in Table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
            {
                Add(row);
            }
        }
        else
        {
            await Parallel.ForEachAsync(
                rows,
                new ParallelOptions { MaxDegreeOfParallelism = Concurrency, CancellationToken = cancellationToken },
                async (rowKey, ct) =>
                {
                    var row = await Table.GetEntityIfExistsAsync<TableEntity>(partition, rowKey, cancellationToken: ct);
                    if (row.HasValue)
                    {
                        Add(row.Value!);
                    }
                });
        }

        return subscriptionIds.Where(entries.ContainsKey).Distinct(StringComparer.Ordinal).ToDictionary(id => id, id => entries[id], StringComparer.Ordinal);
    }

    /// <summary>
    /// Decides each alert's next entry from its current one (null: none; a null next entry removes it) and writes the rows
    /// that change, in transactions per partition; a transaction that meets a row written meanwhile is decided again on
    /// what it finds. Returns each alert's outcome, in order.
    /// </summary>
    private async Task<T[]> ApplyAsync<T>(IReadOnlyList<SentAlert> alerts, Func<SentAlert, Entry?, (Entry? Next, T Outcome)> decide, CancellationToken cancellationToken)
    {
        await storage.EnsureCreatedAsync(cancellationToken);
        var outcomes = new T[alerts.Count];
        var transactions = alerts
            .Select((alert, index) => (Alert: alert, Index: index))
            .GroupBy(a => (Partition: PartitionOf(a.Alert.ChangeId!), Row: RowOf(a.Alert.ChangeId!, a.Alert.SubscriptionId)))
            .GroupBy(row => row.Key.Partition, StringComparer.Ordinal)
            .SelectMany(partition => InTransactions(partition.ToList()))
            .ToList();
        await Parallel.ForEachAsync(
            transactions,
            new ParallelOptions { MaxDegreeOfParallelism = Concurrency, CancellationToken = cancellationToken },
            async (rows, ct) => await ApplyToRowsAsync(rows, decide, outcomes, ct));
        if (_known.Count > MaxKnownRows)
        {
            _known.Clear();
        }

        return outcomes;
    }

    /// <summary>Groups of rows of one partition that fit one transaction (by count and by size).</summary>
    private IEnumerable<List<IGrouping<(string Partition, string Row), (SentAlert Alert, int Index)>>> InTransactions(
        List<IGrouping<(string Partition, string Row), (SentAlert Alert, int Index)>> rows)
    {
        var current = new List<IGrouping<(string Partition, string Row), (SentAlert Alert, int Index)>>();
        var chars = 0;
        foreach (var row in rows.OrderBy(r => r.Key.Row, StringComparer.Ordinal))
        {
            var size = ((_known.TryGetValue(row.Key, out var known) ? known.Entries.Count : 0) + row.Count()) * 64;
            if (current.Count == RowsPerTransaction || (current.Count > 0 && chars + size > CharsPerTransaction))
            {
                yield return current;
                current = [];
                chars = 0;
            }

            current.Add(row);
            chars += size;
        }

        if (current.Count > 0)
        {
            yield return current;
        }
    }

    private async Task ApplyToRowsAsync<T>(
        List<IGrouping<(string Partition, string Row), (SentAlert Alert, int Index)>> rows,
        Func<SentAlert, Entry?, (Entry? Next, T Outcome)> decide,
        T[] outcomes,
        CancellationToken cancellationToken)
    {
        var partition = rows[0].Key.Partition;
        for (var attempt = 1; ; attempt++)
        {
            var actions = new List<TableTransactionAction>(rows.Count);
            var written = new List<((string, string) Key, Dictionary<string, Entry> Entries)>(rows.Count);
            foreach (var row in rows)
            {
                var known = _known.TryGetValue(row.Key, out var k) ? k : null;
                var entries = known is null ? new Dictionary<string, Entry>(StringComparer.Ordinal) : new Dictionary<string, Entry>(known.Entries, StringComparer.Ordinal);
                var changed = false;
                foreach (var (alert, index) in row)
                {
                    Entry? current = entries.TryGetValue(alert.SubscriptionId, out var e) ? e : null;
                    var (next, outcome) = decide(alert, current);
                    outcomes[index] = outcome;
                    if (next != current)
                    {
                        changed = true;
                        if (next is { } value)
                        {
                            entries[alert.SubscriptionId] = value;
                        }
                        else
                        {
                            entries.Remove(alert.SubscriptionId);
                        }
                    }
                }

                if (!changed)
                {
                    continue;
                }

                var entity = Write(partition, row.Key.Row, entries);
                actions.Add(known is null
                    ? new TableTransactionAction(TableTransactionActionType.Add, entity)
                    : new TableTransactionAction(TableTransactionActionType.UpdateReplace, entity, known.ETag));
                written.Add((row.Key, entries));
            }

            if (actions.Count == 0)
            {
                return;
            }

            try
            {
                var result = await Table.SubmitTransactionAsync(actions, cancellationToken);
                for (var i = 0; i < written.Count; i++)
                {
                    if (result.Value[i].Headers.ETag is { } etag)
                    {
                        _known[written[i].Key] = new Known(etag, written[i].Entries);
                    }
                    else
                    {
                        _known.TryRemove(written[i].Key, out _); // no ETag to write under: read it again first
                    }
                }

                return;
            }
            catch (TableTransactionFailedException ex) when (ex.Status is (int)HttpStatusCode.Conflict or (int)HttpStatusCode.PreconditionFailed or (int)HttpStatusCode.NotFound && attempt < MaxAttempts)
            {
                // A row was written meanwhile (or by a try of ours whose answer was lost): read them, decide again.
                await ReadAsync(partition, rows.Select(r => r.Key.Row).ToList(), cancellationToken);
            }
        }
    }

    /// <summary>Reads the rows (one range query per change among them) into what is known; a row not found is forgotten.</summary>
    private async Task ReadAsync(string partition, List<string> rowKeys, CancellationToken cancellationToken)
    {
        foreach (var key in rowKeys)
        {
            _known.TryRemove((partition, key), out _);
        }

        foreach (var change in rowKeys.GroupBy(key => key[..key.LastIndexOf('|')], StringComparer.Ordinal))
        {
            var first = change.Min(StringComparer.Ordinal)!;
            var last = change.Max(StringComparer.Ordinal)!;
            var filter = TableClient.CreateQueryFilter($"PartitionKey eq {partition} and RowKey ge {first} and RowKey le {last}");
            await foreach (var row in Table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
            {
                _known[(partition, row.RowKey)] = new Known(row.ETag, Read(row));
            }
        }
    }

    private static TableEntity Write(string partition, string rowKey, Dictionary<string, Entry> entries)
    {
        var entity = new TableEntity(partition, rowKey);
        var text = new StringBuilder(entries.Count * 64);
        var property = 0;
        foreach (var (subscriptionId, entry) in entries)
        {
            var line = $"{subscriptionId}\t{entry.State}\t{entry.At.ToString(CultureInfo.InvariantCulture)}\t{entry.Token}\t{entry.Reason}\n";
            if (text.Length + line.Length > CharsPerProperty)
            {
                entity["E" + property.ToString(CultureInfo.InvariantCulture)] = text.ToString();
                text.Clear();
                if (++property == Properties)
                {
                    throw new InvalidOperationException($"Row {rowKey} of the sent log cannot hold {entries.Count} recipients.");
                }
            }

            text.Append(line);
        }

        entity["E" + property.ToString(CultureInfo.InvariantCulture)] = text.ToString();
        return entity;
    }

    private static Dictionary<string, Entry> Read(TableEntity row)
    {
        var entries = new Dictionary<string, Entry>(StringComparer.Ordinal);
        for (var property = 0; property < Properties && row.GetString("E" + property.ToString(CultureInfo.InvariantCulture)) is { } text; property++)
        {
            foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                var fields = line.Split('\t');
                if (fields.Length == 5 && fields[1].Length == 1 && long.TryParse(fields[2], NumberStyles.Integer, CultureInfo.InvariantCulture, out var at))
                {
                    entries[fields[0]] = new Entry(fields[1][0], at, fields[3], fields[4]);
                }
            }
        }

        return entries;
    }

    /// <summary>A reason kept short and on one line.</summary>
    private static string Clean(string? reason)
    {
        var text = (reason ?? "").Replace('\t', ' ').Replace('\n', ' ').Replace('\r', ' ');
        return text.Length > MaxReasonLength ? text[..MaxReasonLength] : text;
    }

    /// <summary>A key part without the characters a RowKey may not hold.</summary>
    private static string Key(string value) =>
        value.AsSpan().IndexOfAny("/\\#?|\t\n\r") < 0 ? value : string.Concat(value.Select(c => c is '/' or '\\' or '#' or '?' or '|' or '\t' or '\n' or '\r' ? '_' : c));

    /// <summary>One recipient's state: <see cref="Sending"/> (claimed at <c>At</c>, Unix ms, by <c>Token</c>), <see cref="Sent"/> or <see cref="Refused"/> (with the reason).</summary>
    private readonly record struct Entry(char State, long At, string Token, string Reason);

    private sealed record Known(ETag ETag, Dictionary<string, Entry> Entries);
}
