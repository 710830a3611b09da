using System.Globalization;
using Alerts.Core;
using Alerts.Core.Delivery;
using Alerts.Core.Ingest;
using Alerts.Core.Matching;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Alerts.Api.Http;

/// <summary>
/// Operator routes, open only with an admin key (<c>Admin__Keys</c>): who follows a ticker, the dead letters, and
/// replaying them. A wrong or missing key gets 401 and learns nothing.
/// </summary>
public sealed partial class AdminApi(
    ISubscriberIndex subscribers,
    IDeadLetterQueue deadLetters,
    IDispatchWakeUp wakeUp,
    AdminKeys keys,
    ILogger<AdminApi> logger)
{
    public const string HeaderName = AdminKeys.HeaderName;

    public async Task<IResult> ListSubscribersAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (!IsAdmin(request))
        {
            return Refused();
        }

        if (!Tickers.TryNormalize(request.Query["ticker"], out var ticker, out var problem))
        {
            return Problems.Validation([new ValidationError(null, "ticker", problem!)]);
        }

        var limit = Limit(request, 1000, out var limitError);
        if (limitError is not null)
        {
            return limitError;
        }

        var list = new List<AdminSubscriberView>();
        await foreach (var s in subscribers.GetSubscribersAsync(ticker, cancellationToken))
        {
            list.Add(new AdminSubscriberView(s.SubscriptionId, s.Email, s.Rules.Actions, s.Rules.Firms, s.Rules.MinTargetChangePct));
            if (list.Count == limit)
            {
                break;
            }
        }

        return TypedResults.Json(new AdminSubscribersResponse(ticker, list.Count, list), ApiJsonContext.Default.AdminSubscribersResponse);
    }

    public async Task<IResult> ListDeadLettersAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (!IsAdmin(request))
        {
            return Refused();
        }

        var limit = Limit(request, 250, out var limitError);
        if (limitError is not null)
        {
            return limitError;
        }

        var letters = await deadLetters.PeekDeadLettersAsync(limit, cancellationToken);
        return TypedResults.Json(
            new DeadLettersResponse(letters.Count, letters.Select(d => new DeadLetterView(
                d.MessageId, d.Reason, d.DeliveryCount, d.EnqueuedAt, d.Alerts?[0].Change.Ticker, d.Alerts?[0].Change.Id, d.Alerts?.Sum(a => a.Recipients.Count) ?? 0, d.Alerts?.Count ?? 0)).ToList()),
            ApiJsonContext.Default.DeadLettersResponse);
    }

    public async Task<IResult> ReplayDeadLettersAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (!IsAdmin(request))
        {
            return Refused();
        }

        var limit = Limit(request, 10_000, out var limitError);
        if (limitError is not null)
        {
            return limitError;
        }

        var replayed = await deadLetters.ReplayDeadLettersAsync(limit, cancellationToken);
        if (replayed > 0)
        {
            await wakeUp.WakeAsync(cancellationToken);
        }

        LogReplayed(replayed);
        return TypedResults.Json(new ReplayResponse(replayed), ApiJsonContext.Default.ReplayResponse);
    }

    private bool IsAdmin(HttpRequest request) => keys.IsAdmin(request);

    private IResult Refused()
    {
        LogRefused();
        return AdminKeys.Refused();
    }

    private static int Limit(HttpRequest request, int max, out IResult? error)
    {
        error = null;
        var text = request.Query["limit"].ToString();
        if (text.Length == 0)
        {
            return Math.Min(100, max);
        }

        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var limit) && limit >= 1 && limit <= max)
        {
            return limit;
        }

        error = Problems.Validation([new ValidationError(null, "limit", $"must be a whole number from 1 to {max}")]);
        return 0;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused an admin request without a valid admin key")]
    private partial void LogRefused();

    [LoggerMessage(Level = LogLevel.Information, Message = "Replayed {Count} dead letters onto the alert queue")]
    private partial void LogReplayed(int count);
}
