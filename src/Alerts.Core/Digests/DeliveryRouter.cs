using Alerts.Core.Delivery;
using Alerts.Core.Matching;
using Alerts.Core.Ratings;

namespace Alerts.Core.Digests;

/// <summary>
/// Asks <see cref="DeliveryPolicy"/> about one alert and, when it must wait, holds it for a digest. An instant
/// subscriber without quiet hours or a cap costs nothing here: no read, no write. A held alert is claimed in the sent log
/// first and marked held after, so that a redelivered message never holds (or sends) it a second time.
/// </summary>
public sealed class DeliveryRouter(IHeldAlertStore held, IHourlySendCounter counter, ISentAlertLog sentLog, TimeProvider time)
{
    public async Task<DeliveryRoute> RouteAsync(RatingChange change, AlertRecipient recipient, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(change);
        ArgumentNullException.ThrowIfNull(recipient);
        var settings = recipient.Delivery;
        if (settings is null || settings.IsPlainInstant)
        {
            return DeliveryRoute.SendNow;
        }

        var now = time.GetUtcNow();
        var decision = DeliveryPolicy.Decide(settings, now, sentThisHour: 0);
        if (decision.IsSendNow && settings.MaxPerHour is { } cap)
        {
            var before = await counter.CountAsync(recipient.SubscriptionId, DeliveryPolicy.HourStart(settings, now), cap, recipient.AlertId, cancellationToken);
            decision = DeliveryPolicy.Decide(settings, now, before);
        }

        if (decision.IsSendNow)
        {
            return DeliveryRoute.SendNow;
        }

        switch (await sentLog.TryClaimAsync(recipient.AlertId, recipient.SubscriptionId, now, cancellationToken))
        {
            case SendClaim.AlreadySent:
                return DeliveryRoute.AlreadyDone;
            case SendClaim.Busy:
                return DeliveryRoute.Busy;
        }

        try
        {
            await held.HoldAsync(new HeldAlert(recipient.AlertId, recipient.SubscriptionId, change, decision.HoldUntil!.Value, now), cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Not held: give the claim back so that the retry holds it (holding twice is harmless).
            await sentLog.ReleaseAsync(recipient.AlertId, CancellationToken.None);
            throw;
        }

        // Should this mark fail, the claim is left to expire rather than released: a digest may already have carried the
        // alert and marked it sent, and releasing would erase that.
        await sentLog.MarkHeldAsync(recipient.AlertId, recipient.SubscriptionId, now, cancellationToken);
        return DeliveryRoute.Held;
    }
}
