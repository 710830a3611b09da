using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Alerts.Core;
using Alerts.Core.Channels;
using Alerts.Core.Digests;
using Alerts.Core.Matching;
using Alerts.Core.Ratings;
using Alerts.Core.Subscriptions;
using Azure;
using Azure.Data.Tables;

namespace Alerts.Infrastructure.Storage;

/// <summary>
/// Subscriptions (a row each, partitioned by id) and the subscriber index (a partition per ticker, a row per
/// subscriber, carrying the rules), so that matching a change reads only its ticker's partition. The subscription row is
/// written with its ETag (optimistic concurrency), so that a change made meanwhile is never silently undone.
/// A ticker's partition, once read, is kept for a few seconds (<see cref="SubscriberIndexCache"/>).
/// </summary>
internal sealed class TableSubscriptionStore(StorageBootstrapper storage, SubscriberIndexCache? cache = null) : ISubscriptionStore, ISubscriberIndex
{
    private readonly SubscriberIndexCache _cache = cache ?? new SubscriberIndexCache(TimeProvider.System, TimeSpan.Zero);
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, Lazy<Task<bool>>> _followerReads = new(StringComparer.Ordinal);

    /// <summary>On the subscription row: tickers whose index rows an update has still to delete (see <see cref="UpdateAsync"/>).</summary>
    private const string StaleIndexTickersProperty = "StaleIndexTickers";

    private const int MaxWriteAttempts = 5;
    private const int IndexWriteParallelism = 16;

    /// <summary>Index rows read per request (the most the table service returns at once), and so per <see cref="SubscriberPage"/>.</summary>
    private const int IndexPageSize = 1000;

    public async Task CreateAsync(Subscription subscription, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(subscription);
        await storage.EnsureCreatedAsync(cancellationToken);

        // The mailbox's row first: a crash between the two leaves a row that counts one subscription too many until the
        // purge of unconfirmed subscriptions finds none to go with it, never a subscription that is not counted.
        await storage.Table(StorageNames.MailboxesTable).UpsertEntityAsync(
            new TableEntity(MailboxKey(subscription.Email), subscription.Id) { ["CreatedAt"] = subscription.CreatedAt }, TableUpdateMode.Replace, cancellationToken);
        await storage.Table(StorageNames.SubscriptionsTable).AddEntityAsync(ToRow(subscription), cancellationToken);
    }

    public async Task<int> CountByMailboxAsync(string mailbox, CancellationToken cancellationToken)
    {
        await storage.EnsureCreatedAsync(cancellationToken);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {MailboxKey(mailbox)}");
        var count = 0;
        await foreach (var _ in storage.Table(StorageNames.MailboxesTable).QueryAsync<TableEntity>(filter, select: ["RowKey"], cancellationToken: cancellationToken))
        {
            count++;
        }

        return count;
    }

    public async IAsyncEnumerable<Subscription> GetUnconfirmedAsync(DateTimeOffset createdBefore, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await storage.EnsureCreatedAsync(cancellationToken);
        var pending = nameof(SubscriptionStatus.Pending);
        var filter = TableClient.CreateQueryFilter($"Status eq {pending} and CreatedAt lt {createdBefore}");
        await foreach (var row in storage.Table(StorageNames.SubscriptionsTable).QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            yield return FromRow(row);
        }
    }

    /// <summary>The partition of a mailbox's rows: a digest of its canonical form (no address is kept in a key).</summary>
    private static string MailboxKey(string email) => Ids.Digest("mailbox|" + Mailbox.Canonical(email), 32);

    public async Task<Subscription?> GetAsync(string id, CancellationToken cancellationToken)
    {
        await storage.EnsureCreatedAsync(cancellationToken);
        var row = await storage.Table(StorageNames.SubscriptionsTable)
            .GetEntityIfExistsAsync<TableEntity>(id, StorageNames.SingletonRowKey, cancellationToken: cancellationToken);
        return row.HasValue ? FromRow(row.Value!) : null;
    }

    public async Task ActivateAsync(Subscription subscription, DateTimeOffset confirmedAt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(subscription);
        await storage.EnsureCreatedAsync(cancellationToken);
        var table = storage.Table(StorageNames.SubscriptionsTable);

        // Read again and write with its ETag: a PUT while the subscription was pending must not be undone by confirming.
        var indexed = new HashSet<string>(StringComparer.Ordinal);
        for (var attempt = 0; attempt < MaxWriteAttempts; attempt++)
        {
            var existing = await table.GetEntityIfExistsAsync<TableEntity>(subscription.Id, StorageNames.SingletonRowKey, cancellationToken: cancellationToken);
            if (!existing.HasValue && attempt == 0)
            {
                // Never stored: activate it as given.
                await UpsertIndexRowsAsync(subscription, cancellationToken);
                await table.UpsertEntityAsync(ToRow(subscription with { Status = SubscriptionStatus.Active, ConfirmedAt = confirmedAt }), TableUpdateMode.Replace, cancellationToken);
                return;
            }

            if (!existing.HasValue)
            {
                await DeleteIndexRowsAsync(subscription.Id, indexed, cancellationToken); // unsubscribed meanwhile
                return;
            }

            var current = FromRow(existing.Value!);
            if (current.Status == SubscriptionStatus.Active)
            {
                return;
            }

            await UpsertIndexRowsAsync(current, cancellationToken);
            await DeleteIndexRowsAsync(current.Id, indexed.Except(current.Tickers, StringComparer.Ordinal).ToList(), cancellationToken);
            indexed.UnionWith(current.Tickers);
            try
            {
                var active = current with { Status = SubscriptionStatus.Active, ConfirmedAt = confirmedAt };
                await table.UpdateEntityAsync(ToRow(active), existing.Value!.ETag, TableUpdateMode.Replace, cancellationToken);
                return;
            }
            catch (RequestFailedException ex) when (ex.Status is 404 or 412)
            {
                // Changed or deleted meanwhile: read again.
            }
        }

        throw new SubscriptionConflictException(subscription.Id);
    }

    public Task<Subscription?> UpdateAsync(string id, IReadOnlyList<string> tickers, SubscriberRules rules, DeliverySettings delivery, CancellationToken cancellationToken) =>
        UpdateAsync(id, tickers, rules, delivery, channels: null, cancellationToken);

    public async Task<Subscription?> UpdateAsync(string id, IReadOnlyList<string> tickers, SubscriberRules rules, DeliverySettings delivery, IReadOnlyList<Channel>? channels, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tickers);
        ArgumentNullException.ThrowIfNull(rules);
        ArgumentNullException.ThrowIfNull(delivery);
        await storage.EnsureCreatedAsync(cancellationToken);
        var table = storage.Table(StorageNames.SubscriptionsTable);

        for (var attempt = 0; attempt < MaxWriteAttempts; attempt++)
        {
            var existing = await table.GetEntityIfExistsAsync<TableEntity>(id, StorageNames.SingletonRowKey, cancellationToken: cancellationToken);
            if (!existing.HasValue)
            {
                return null;
            }

            var current = FromRow(existing.Value!);
            var updated = current with { Tickers = tickers, Rules = rules, Delivery = delivery, Channels = channels ?? current.Channels };
            var active = current.Status == SubscriptionStatus.Active;

            // The index rows that must go: the removed tickers' (only an active subscription has rows), and any that an
            // earlier update left when it stopped half-way. They are written down first, so that a crash before they
            // are deleted leaves them listed for the next update or the delete, never orphaned and still alerting.
            var stale = (active ? current.Tickers : [])
                .Concat(StaleIndexTickers(existing.Value!))
                .Except(tickers, StringComparer.Ordinal)
                .Distinct(StringComparer.Ordinal)
                .ToList();

            ETag written;
            try
            {
                var row = ToRow(updated);
                row[StaleIndexTickersProperty] = string.Join(',', stale);
                written = (await table.UpdateEntityAsync(row, existing.Value!.ETag, TableUpdateMode.Replace, cancellationToken)).Headers.ETag ?? ETag.All;
            }
            catch (RequestFailedException ex) when (ex.Status is 404 or 412)
            {
                continue; // changed or deleted meanwhile: read again
            }

            if (active)
            {
                await UpsertIndexRowsAsync(updated, cancellationToken);
                await DeleteIndexRowsAsync(id, stale, cancellationToken);
            }

            if (stale.Count > 0)
            {
                try
                {
                    await table.UpdateEntityAsync(ToRow(updated), written, TableUpdateMode.Replace, cancellationToken);
                }
                catch (RequestFailedException ex) when (ex.Status is 404 or 412)
                {
                    // Someone wrote after us: their row lists what is still to clean up.
                }
            }

            return updated;
        }

        throw new SubscriptionConflictException(id);
    }

    public async Task DeleteAsync(Subscription subscription, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(subscription);
        await storage.EnsureCreatedAsync(cancellationToken);
        var table = storage.Table(StorageNames.SubscriptionsTable);

        // The row as stored now: its tickers may have changed since the caller read it, and it may list stale index rows.
        var existing = await table.GetEntityIfExistsAsync<TableEntity>(subscription.Id, StorageNames.SingletonRowKey, cancellationToken: cancellationToken);
        var tickers = existing.HasValue
            ? subscription.Tickers.Concat(FromRow(existing.Value!).Tickers).Concat(StaleIndexTickers(existing.Value!)).Distinct(StringComparer.Ordinal).ToList()
            : subscription.Tickers;
        await DeleteIndexRowsAsync(subscription.Id, tickers, cancellationToken);
        await table.DeleteEntityAsync(subscription.Id, StorageNames.SingletonRowKey, ETag.All, cancellationToken);
        await storage.Table(StorageNames.MailboxesTable).DeleteEntityAsync(MailboxKey(subscription.Email), subscription.Id, ETag.All, cancellationToken);
    }

    /// <summary>
    /// The ticker's index rows a table page (up to 1,000 rows) at a time, each made a <see cref="SubscriberPage"/> as it
    /// arrives; the pages of a ticker of at most <see cref="SubscriberIndexCache.MaxRowsPerTicker"/> rows are then kept.
    /// </summary>
    public async IAsyncEnumerable<SubscriberPage> GetPagesAsync(string ticker, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (_cache.Get(ticker) is { } cached)
        {
            foreach (var page in cached)
            {
                yield return page;
            }

            yield break;
        }

        await storage.EnsureCreatedAsync(cancellationToken);
        var generation = _cache.Generation;
        var loadedAt = _cache.Timestamp();
        var kept = _cache.Enabled ? new List<SubscriberPage>() : null;
        var rows = 0;
        var builder = new SubscriberPageBuilder();
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {ticker}");
        var query = storage.Table(StorageNames.SubscriberIndexTable).QueryAsync<TableEntity>(filter, maxPerPage: IndexPageSize, cancellationToken: cancellationToken);
        await foreach (var read in query.AsPages(pageSizeHint: IndexPageSize))
        {
            foreach (var row in read.Values)
            {
                builder.Add(row.RowKey, row.GetString("Email"), ReadRules(row), HoldsNothing(row) ? null : ReadDelivery(row), ReadChannels(row));
            }

            if (builder.Count == 0)
            {
                continue;
            }

            var page = builder.Build();
            rows += page.Count;
            if (kept is not null)
            {
                kept = rows <= SubscriberIndexCache.MaxRowsPerTicker ? kept : null;
                kept?.Add(page);
            }

            yield return page;
        }

        if (kept is not null)
        {
            _cache.TryAdd(ticker, [.. kept], generation, loadedAt);
        }
    }

    /// <summary>
    /// Whether anyone follows the ticker: from the kept rows or answer when fresh, else one row read, kept either way.
    /// Concurrent asks for one ticker share that read: when the kept answer runs out under load, the posts in flight on
    /// the ticker would otherwise each read (hundreds at once were seen at 100 posts/s).
    /// </summary>
    public async Task<bool> HasFollowersAsync(string ticker, CancellationToken cancellationToken)
    {
        if (_cache.HasFollowers(ticker) is { } known)
        {
            return known;
        }

        // The read is shared, so no one caller's cancellation ends it: each caller stops waiting on its own token.
        var read = _followerReads.GetOrAdd(ticker, t => new Lazy<Task<bool>>(() => ReadHasFollowersAsync(t)));
        return await read.Value.WaitAsync(cancellationToken);
    }

    private async Task<bool> ReadHasFollowersAsync(string ticker)
    {
        try
        {
            await storage.EnsureCreatedAsync(CancellationToken.None);
            var generation = _cache.Generation;
            var loadedAt = _cache.Timestamp();
            var filter = TableClient.CreateQueryFilter($"PartitionKey eq {ticker}");
            await foreach (var _ in storage.Table(StorageNames.SubscriberIndexTable).QueryAsync<TableEntity>(filter, maxPerPage: 1, select: ["RowKey"], cancellationToken: CancellationToken.None))
            {
                _cache.TryAddFollowed(ticker, generation, loadedAt);
                return true;
            }

            // Nobody: kept like a partition read in full, so the next changes on the ticker ask nothing.
            _cache.TryAdd(ticker, [], generation, loadedAt);
            return false;
        }
        finally
        {
            // Done (or failed): the next ask after the kept answer runs out reads again.
            _followerReads.TryRemove(ticker, out _);
        }
    }

    public async Task<bool> TryCountConfirmationAsync(string email, DateTimeOffset now, int maxPerHour, CancellationToken cancellationToken)
    {
        await storage.EnsureCreatedAsync(cancellationToken);
        var table = storage.Table(StorageNames.ConfirmationLogTable);
        var key = Ids.Digest("confirm|" + email.ToLowerInvariant(), 32);

        // Optimistic concurrency: read, decide, write with the ETag read; on a lost race, read again.
        for (var attempt = 0; attempt < 10; attempt++)
        {
            var existing = await table.GetEntityIfExistsAsync<TableEntity>(key, StorageNames.SingletonRowKey, cancellationToken: cancellationToken);
            var recent = HourlyCounts.Parse(existing.HasValue ? existing.Value!.GetString("SentAt") : null, now);
            if (recent.Total >= maxPerHour)
            {
                return false;
            }

            recent.Add(now);
            var row = new TableEntity(key, StorageNames.SingletonRowKey) { ["SentAt"] = recent.ToString() };
            try
            {
                if (existing.HasValue)
                {
                    await table.UpdateEntityAsync(row, existing.Value!.ETag, TableUpdateMode.Replace, cancellationToken);
                }
                else
                {
                    await table.AddEntityAsync(row, cancellationToken);
                }

                return true;
            }
            catch (RequestFailedException ex) when (ex.Status is 409 or 412)
            {
                // Someone else counted first: read again.
            }
        }

        return false;
    }

    private async Task UpsertIndexRowsAsync(Subscription subscription, CancellationToken cancellationToken)
    {
        var index = storage.Table(StorageNames.SubscriberIndexTable);
        try
        {
            await Parallel.ForEachAsync(
                subscription.Tickers,
                new ParallelOptions { MaxDegreeOfParallelism = IndexWriteParallelism, CancellationToken = cancellationToken },
                async (ticker, ct) => await index.UpsertEntityAsync(IndexRow(ticker, subscription), TableUpdateMode.Replace, ct));
        }
        finally
        {
            // After the write: a read that started before it must not keep what it read (see SubscriberIndexCache.TryAdd).
            _cache.Invalidate(subscription.Tickers);
        }
    }

    private async Task DeleteIndexRowsAsync(string subscriptionId, IReadOnlyCollection<string> tickers, CancellationToken cancellationToken)
    {
        if (tickers.Count == 0)
        {
            return;
        }

        // Deleting a row that is not there succeeds (the SDK answers the 404 without throwing).
        var index = storage.Table(StorageNames.SubscriberIndexTable);
        try
        {
            await Parallel.ForEachAsync(
                tickers,
                new ParallelOptions { MaxDegreeOfParallelism = IndexWriteParallelism, CancellationToken = cancellationToken },
                async (ticker, ct) => await index.DeleteEntityAsync(ticker, subscriptionId, ETag.All, ct));
        }
        finally
        {
            _cache.Invalidate(tickers);
        }
    }

    private static TableEntity ToRow(Subscription subscription) =>
        WithSettings(
            new TableEntity(subscription.Id, StorageNames.SingletonRowKey)
            {
                ["Email"] = subscription.Email,
                ["Tickers"] = string.Join(',', subscription.Tickers),
                ["Status"] = subscription.Status.ToString(),
                ["CreatedAt"] = subscription.CreatedAt,
                ["ConfirmedAt"] = subscription.ConfirmedAt,
            },
            subscription);

    /// <summary>The index row of <paramref name="subscription"/> under <paramref name="ticker"/> (internal for bulk loads in tests and tools).</summary>
    internal static TableEntity IndexRow(string ticker, Subscription subscription) =>
        WithSettings(new TableEntity(ticker, subscription.Id) { ["Email"] = subscription.Email }, subscription);

    /// <summary>The rules and delivery settings as properties, the same on the subscription row and on each of its index rows.</summary>
    private static TableEntity WithSettings(TableEntity row, Subscription subscription)
    {
        var rules = subscription.Rules;
        var delivery = subscription.Delivery;
        row["Delivery"] = delivery.Mode.ToWireName();
        row["TimeZone"] = delivery.TimeZone;
        row["DigestTime"] = Clock(delivery.DigestTime);
        row["QuietStart"] = delivery.QuietHours is { } quiet ? Clock(quiet.Start) : null;
        row["QuietEnd"] = delivery.QuietHours is { } q ? Clock(q.End) : null;
        row["MaxPerHour"] = delivery.MaxPerHour;
        row["Actions"] = string.Join(',', rules.Actions.Select(a => a.ToWireName()));
        row["Firms"] = JsonSerializer.Serialize(rules.Firms, InfrastructureJsonContext.Default.IReadOnlyListString);
        row["ExcludeFirms"] = JsonSerializer.Serialize(rules.ExcludeFirms, InfrastructureJsonContext.Default.IReadOnlyListString);
        row["MinTargetChangePct"] = Tables.FromDecimal(rules.MinTargetChangePct);
        row["MinRating"] = rules.MinRating?.ToWireName();
        row["Direction"] = rules.Direction.ToWireName();
        row["Paused"] = rules.Paused;
        row["NotableOnly"] = rules.NotableOnly;
        row["Channels"] = subscription.Channels.Count == 0 ? null : JsonSerializer.Serialize(subscription.Channels, InfrastructureJsonContext.Default.IReadOnlyListChannel);
        return row;
    }

    private static Subscription FromRow(TableEntity row) => new()
    {
        Id = row.PartitionKey,
        Email = row.GetString("Email"),
        Tickers = (row.GetString("Tickers") ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries),
        Status = Enum.Parse<SubscriptionStatus>(row.GetString("Status") ?? nameof(SubscriptionStatus.Pending)),
        CreatedAt = row.GetDateTimeOffset("CreatedAt") ?? default,
        ConfirmedAt = row.GetDateTimeOffset("ConfirmedAt"),
        Rules = ReadRules(row),
        Delivery = ReadDelivery(row),
        Channels = ReadChannels(row) ?? [],
    };

    /// <summary>The channels of a row (null when none: rows written before channels existed, and most rows).</summary>
    private static IReadOnlyList<Channel>? ReadChannels(TableEntity row) =>
        row.GetString("Channels") is { Length: > 0 } json ? JsonSerializer.Deserialize(json, InfrastructureJsonContext.Default.IReadOnlyListChannel) : null;

    /// <summary>The delivery settings of a row; rows written before settings existed are instant, in UTC.</summary>
    private static DeliverySettings ReadDelivery(TableEntity row)
    {
        var start = ReadClock(row.GetString("QuietStart"));
        var end = ReadClock(row.GetString("QuietEnd"));
        return new DeliverySettings
        {
            Mode = DeliveryModes.TryParse(row.GetString("Delivery"), out var mode) ? mode : DeliveryMode.Instant,
            TimeZone = row.GetString("TimeZone"),
            DigestTime = ReadClock(row.GetString("DigestTime")) ?? DeliverySettings.DefaultDigestTime,
            QuietHours = start is { } s && end is { } e ? new QuietHours(s, e) : null,
            MaxPerHour = row.GetInt32("MaxPerHour"),
        };
    }

    /// <summary>
    /// Instant, without quiet hours or a cap: matching needs no settings for such a row (the common case), so none are
    /// parsed or allocated for it.
    /// </summary>
    private static bool HoldsNothing(TableEntity row) =>
        row.GetString("Delivery") is null or "instant" && row.GetString("QuietStart") is null && row.GetInt32("MaxPerHour") is null;

    private static string Clock(TimeOnly time) => time.ToString("HH:mm", CultureInfo.InvariantCulture);

    private static TimeOnly? ReadClock(string? value) =>
        TimeOnly.TryParseExact(value, "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var time) ? time : null;

    /// <summary>The rules of a row. A property missing (rows written before that rule existed) is no rule.</summary>
    private static SubscriberRules ReadRules(TableEntity row)
    {
        var actions = (row.GetString("Actions") ?? string.Empty)
            .Split(',', StringSplitOptions.RemoveEmptyEntries)
            .Select(a => RatingActions.TryParse(a, out var action) ? action : (RatingAction?)null)
            .OfType<RatingAction>()
            .ToArray();
        var minRating = RatingLevels.FromWireName(row.GetString("MinRating"));
        return new SubscriberRules
        {
            Actions = actions,
            Firms = ReadList(row.GetString("Firms")),
            ExcludeFirms = ReadList(row.GetString("ExcludeFirms")),
            MinTargetChangePct = Tables.ToDecimal(row.GetString("MinTargetChangePct")),
            MinRating = minRating == RatingLevel.Unknown ? null : minRating,
            Direction = NewsDirections.TryParse(row.GetString("Direction"), out var direction) ? direction : NewsDirection.Any,
            Paused = row.GetBoolean("Paused") ?? false,
            NotableOnly = row.GetBoolean("NotableOnly") ?? false,
        };
    }

    private static IReadOnlyList<string> ReadList(string? json) =>
        string.IsNullOrEmpty(json) ? [] : JsonSerializer.Deserialize(json, InfrastructureJsonContext.Default.IReadOnlyListString) ?? [];

    private static IReadOnlyList<string> StaleIndexTickers(TableEntity row) =>
        (row.GetString(StaleIndexTickersProperty) ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries);
}
