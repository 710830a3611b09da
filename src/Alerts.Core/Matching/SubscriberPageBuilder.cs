using Alerts.Core.Channels;
using Alerts.Core.Digests;
using Alerts.Core.Subscriptions;

namespace Alerts.Core.Matching;

/// <summary>
/// Builds a <see cref="SubscriberPage"/> from index rows as they are read: each row's rules are compiled (interned, see
/// <see cref="CompiledRules.Compile"/>) and numbered among the page's distinct compiled rule sets in the order they first
/// appear. <see cref="Build"/> hands out the page and leaves the builder empty, ready for the next page. Not thread-safe.
/// </summary>
public sealed class SubscriberPageBuilder
{
    private readonly List<string> _subscriptionIds = [];
    private readonly List<string> _emails = [];
    private readonly List<DeliverySettings?> _delivery = [];
    private readonly List<SubscriberRules> _rules = [];
    private readonly List<IReadOnlyList<Channel>?> _channels = [];
    private readonly List<int> _ruleSlots = [];
    private readonly List<CompiledRules> _distinctRules = [];
    private readonly Dictionary<CompiledRules, int> _slotOf = new(ReferenceEqualityComparer.Instance);

    /// <summary>Rows added since the last <see cref="Build"/>.</summary>
    public int Count => _subscriptionIds.Count;

    public SubscriberPageBuilder Add(Subscriber subscriber)
    {
        ArgumentNullException.ThrowIfNull(subscriber);
        return Add(subscriber.SubscriptionId, subscriber.Email, subscriber.Rules, subscriber.Delivery, subscriber.Channels);
    }

    public SubscriberPageBuilder Add(string subscriptionId, string email, SubscriberRules rules, DeliverySettings? delivery = null, IReadOnlyList<Channel>? channels = null)
    {
        ArgumentNullException.ThrowIfNull(subscriptionId);
        ArgumentNullException.ThrowIfNull(email);
        ArgumentNullException.ThrowIfNull(rules);
        var compiled = rules.Compiled;
        if (!_slotOf.TryGetValue(compiled, out var slot))
        {
            slot = _distinctRules.Count;
            _distinctRules.Add(compiled);
            _slotOf.Add(compiled, slot);
        }

        _subscriptionIds.Add(subscriptionId);
        _emails.Add(email);
        _delivery.Add(delivery);
        _rules.Add(rules);
        _channels.Add(channels is { Count: > 0 } ? channels : null);
        _ruleSlots.Add(slot);
        return this;
    }

    /// <summary>The page of the rows added, in their order; the builder is empty afterwards.</summary>
    public SubscriberPage Build()
    {
        if (Count == 0)
        {
            return SubscriberPage.Empty;
        }

        var page = new SubscriberPage([.. _subscriptionIds], [.. _emails], [.. _delivery], [.. _rules], [.. _ruleSlots], [.. _distinctRules], [.. _channels]);
        _subscriptionIds.Clear();
        _emails.Clear();
        _delivery.Clear();
        _rules.Clear();
        _channels.Clear();
        _ruleSlots.Clear();
        _distinctRules.Clear();
        _slotOf.Clear();
        return page;
    }
}
