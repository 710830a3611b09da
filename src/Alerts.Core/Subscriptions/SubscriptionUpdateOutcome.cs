namespace Alerts.Core.Subscriptions;

/// <summary>What <see cref="SubscriptionService.UpdateAsync"/> did: denied, refused with <see cref="Errors"/>, or done.</summary>
public sealed record SubscriptionUpdateOutcome(SubscriptionAccess Access, Subscription? Subscription, IReadOnlyList<ValidationError> Errors)
{
    public static SubscriptionUpdateOutcome Denied { get; } = new(SubscriptionAccess.Denied, null, []);

    public bool IsValid => Errors.Count == 0;

    /// <summary>The ids of the channels this update added (their webhook secrets are shown once, in its answer).</summary>
    public IReadOnlyList<string> AddedChannels { get; init; } = [];

    public static SubscriptionUpdateOutcome Invalid(IReadOnlyList<ValidationError> errors) => new(SubscriptionAccess.Granted, null, errors);

    public static SubscriptionUpdateOutcome Updated(Subscription subscription) => new(SubscriptionAccess.Granted, subscription, []);
}
