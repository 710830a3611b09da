using System.Text.Json;
using System.Text.Json.Serialization;
using Alerts.Core.Digests;
using Alerts.Core.Extraction;
using Alerts.Core.Ingest;
using Alerts.Core.Ratings;
using Alerts.Core.Securities;
using Alerts.Core.Channels;
using Alerts.Core.Subscriptions;

namespace Alerts.Api.Http;

/// <summary>A rating change as the API shows it (the contract's shape, plus what normalization added).</summary>
internal sealed record RatingChangeView(
    string Id,
    string Ticker,
    string? Company,
    string Firm,
    string? Analyst,
    RatingAction Action,
    string? FromRating,
    string? ToRating,
    RatingLevel FromLevel,
    RatingLevel ToLevel,
    decimal? FromTarget,
    decimal? ToTarget,
    string Currency,
    decimal? TargetChangePct,
    DateTimeOffset PublishedAt,
    DateTimeOffset ReceivedAt,
    string? Source,
    string? Url,
    string? SenderId,
    string? CorrectionOf,
    string? Sentence,
    bool? Duplicate,
    DateOnly? PublishedDate = null)
{
    public static RatingChangeView From(RatingChange c, bool? duplicate = null) => new(
        c.Id, c.Ticker, c.Company, c.Firm, c.Analyst, c.Action, c.FromRating, c.ToRating, c.FromLevel, c.ToLevel,
        c.FromTarget, c.ToTarget, c.Currency, c.TargetChangePct, c.PublishedAt, c.ReceivedAt, c.Source, c.Url, c.SenderId, c.CorrectionOf, c.Sentence, duplicate, c.PublishedDate);
}

/// <summary>
/// The 202 answer of <c>POST /api/ratings</c>. <see cref="Unresolved"/> is there for <c>text/plain</c> posts only (possibly
/// empty): the changes the text states that could not be completed, never stored.
/// </summary>
internal sealed record IngestResponse(
    int Accepted,
    int Duplicates,
    bool DryRun,
    IReadOnlyList<RatingChangeView> Changes,
    string? Message = null,
    IReadOnlyList<UnresolvedChangeView>? Unresolved = null)
{
    public static IngestResponse From(IngestResult result, bool dryRun, IReadOnlyList<UnresolvedChangeView>? unresolved = null) =>
        new(result.Accepted, result.Duplicates, dryRun, result.Changes.Select(c => RatingChangeView.From(c.Change, c.Duplicate)).ToList(), Unresolved: unresolved);
}

/// <summary>A change stated in text that could not be completed: every field read, under a change's names, and what is missing.</summary>
internal sealed record UnresolvedChangeView(
    string? Company,
    string? Ticker,
    string? Firm,
    string? Analyst,
    RatingAction? Action,
    string? FromRating,
    string? ToRating,
    decimal? FromTarget,
    decimal? ToTarget,
    string? Currency,
    string Sentence,
    IReadOnlyList<string> Missing)
{
    public static UnresolvedChangeView From(UnresolvedChange u) => new(
        u.Company, u.Ticker, u.Firm, u.Analyst, u.Action, u.FromRating, u.ToRating, u.FromTarget, u.ToTarget, u.Currency, u.Sentence, u.Missing);
}

/// <summary>The answer of <c>GET /api/ratings</c>.</summary>
internal sealed record HistoryResponse(string Ticker, int Count, IReadOnlyList<RatingChangeView> Changes);

/// <summary>A subscription as its owner sees it.</summary>
internal sealed record SubscriptionView(
    string Id,
    string Email,
    IReadOnlyList<string> Tickers,
    IReadOnlyList<RatingAction> Actions,
    IReadOnlyList<string> Firms,
    IReadOnlyList<string> ExcludeFirms,
    decimal? MinTargetChangePct,
    RatingLevel? MinRating,
    NewsDirection Direction,
    bool Paused,
    bool NotableOnly,
    SubscriptionStatus Status,
    DateTimeOffset CreatedAt,
    DateTimeOffset? ConfirmedAt,
    DeliveryMode Delivery,
    string? TimeZone,
    string DigestTime,
    QuietHoursView? QuietHours,
    int? MaxPerHour,
    IReadOnlyList<TickerWarning>? Warnings = null)
{
    /// <summary>The channels besides email; a webhook's secret only in the answer that added it.</summary>
    public IReadOnlyList<ChannelView> Channels { get; init; } = [];

    /// <summary>The subscription with its channels, their states, and the secrets of those just added.</summary>
    public static SubscriptionView From(Subscription s, IReadOnlyList<TickerWarning>? warnings, IReadOnlyList<ChannelState> states, IReadOnlyCollection<string> added) =>
        From(s, warnings) with { Channels = s.Channels.Select(c => ChannelView.From(c, states.FirstOrDefault(x => x.ChannelId == c.Id), added.Contains(c.Id))).ToList() };

    /// <summary>The subscription, with <paramref name="warnings"/> about its tickers (absent when there are none).</summary>
    public static SubscriptionView From(Subscription s, IReadOnlyList<TickerWarning>? warnings = null) => new(
        s.Id, s.Email, s.Tickers, s.Rules.Actions, s.Rules.Firms, s.Rules.ExcludeFirms, s.Rules.MinTargetChangePct, s.Rules.MinRating,
        s.Rules.Direction, s.Rules.Paused, s.Rules.NotableOnly, s.Status, s.CreatedAt, s.ConfirmedAt,
        s.Delivery.Mode, s.Delivery.TimeZone, Clock(s.Delivery.DigestTime),
        s.Delivery.QuietHours is { } q ? new QuietHoursView(Clock(q.Start), Clock(q.End)) : null,
        s.Delivery.MaxPerHour,
        warnings)
    {
        Channels = s.Channels.Select(c => ChannelView.From(c, null, showSecret: false)).ToList(),
    };

    private static string Clock(TimeOnly time) => time.ToString("HH:mm", System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>A channel as its owner sees it: paused with a note when its receiver kept failing; the secret only when just added.</summary>
internal sealed record ChannelView(string Id, ChannelType Type, string Url, string? Secret, bool Paused, string? PausedNote)
{
    public static ChannelView From(Channel channel, ChannelState? state, bool showSecret) =>
        new(channel.Id, channel.Type, channel.Url, showSecret ? channel.Secret : null, state?.IsPaused ?? false, state?.PausedNote);
}

/// <summary>Quiet hours as the API shows them: local times, HH:mm.</summary>
internal sealed record QuietHoursView(string Start, string End);

/// <summary>The 201 answer of <c>POST /api/subscriptions</c>: the same whether or not the address was known.</summary>
internal sealed record SubscriptionCreatedResponse(string Id, SubscriptionStatus Status, string Message, IReadOnlyList<TickerWarning>? Warnings = null)
{
    /// <summary>The channels added, each webhook's secret shown here once; absent when there are none.</summary>
    public IReadOnlyList<ChannelView>? Channels { get; init; }
}

/// <summary>A subscriber of one ticker, as the admin route lists it.</summary>
internal sealed record AdminSubscriberView(string SubscriptionId, string Email, IReadOnlyList<RatingAction> Actions, IReadOnlyList<string> Firms, decimal? MinTargetChangePct);

internal sealed record AdminSubscribersResponse(string Ticker, int Count, IReadOnlyList<AdminSubscriberView> Subscribers);

/// <summary>A dead letter as the operator sees it: the ticker and id of its (first) change, its recipients, and how many changes it carries.</summary>
internal sealed record DeadLetterView(string MessageId, string Reason, int DeliveryCount, DateTimeOffset? EnqueuedAt, string? Ticker, string? ChangeId, int Recipients, int Changes);

internal sealed record DeadLettersResponse(int Count, IReadOnlyList<DeadLetterView> DeadLetters);

internal sealed record ReplayResponse(int Replayed);

/// <summary>The answer of <c>GET /api/health</c>.</summary>
internal sealed record HealthReport(
    string Status,
    IReadOnlyList<string> Problems,
    bool StorageReachable,
    long? PendingAlertMessages,
    long? DeadLetters,
    double? OldestPendingAlertAgeSeconds,
    IReadOnlyList<FeedHealth> Feeds,
    DateTimeOffset CheckedAt,
    int? OverdueDigests = null);

/// <summary>
/// The anonymous health answer: the verdict of the last full check and when it was made (reused for
/// <c>Admin__HealthCacheSeconds</c>); what is wrong is told only with an admin key.
/// </summary>
internal sealed record HealthSummary(string Status, DateTimeOffset CheckedAt);

/// <summary>
/// A polled feed in the health report: when it last polled successfully (null: not yet), and why it is not being read when
/// its provider refused its key ("this endpoint needs a paid plan").
/// </summary>
internal sealed record FeedHealth(string Source, DateTimeOffset? LastPolledAt, double? LastPollAgeSeconds, string? Problem = null);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(IngestResponse))]
[JsonSerializable(typeof(HistoryResponse))]
[JsonSerializable(typeof(SubscriptionView))]
[JsonSerializable(typeof(SubscriptionCreatedResponse))]
[JsonSerializable(typeof(AdminSubscribersResponse))]
[JsonSerializable(typeof(DeadLettersResponse))]
[JsonSerializable(typeof(ReplayResponse))]
[JsonSerializable(typeof(HealthReport))]
[JsonSerializable(typeof(HealthSummary))]
[JsonSerializable(typeof(BenzingaPushResponse))]
internal sealed partial class ApiJsonContext : JsonSerializerContext;
