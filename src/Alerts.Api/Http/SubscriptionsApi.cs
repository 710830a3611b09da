using System.Text.RegularExpressions;
using Alerts.Core.Channels;
using Alerts.Core.Delivery;
using Alerts.Core.Ratings;
using Alerts.Core.Securities;
using Alerts.Core.Security;
using Alerts.Core.Subscriptions;
using Alerts.Api.Pages;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Alerts.Api.Http;

/// <summary>
/// The subscription routes and the pages behind the links in emails. Every route that touches an existing
/// subscription needs a token made for that subscription and that purpose; a wrong token and an unknown id get
/// the same answer.
/// </summary>
public sealed partial class SubscriptionsApi(
    SubscriptionService subscriptions,
    FirmDirectory firms,
    Links links,
    ClientRateLimiter rateLimiter,
    SecuritiesMaster securities,
    IChannelStateStore channelStates,
    ILogger<SubscriptionsApi> logger)
{
    /// <summary>A subscription body is small: 500 tickers and some rules.</summary>
    public const int MaxBodyBytes = 64 * 1024;

    public async Task<IResult> CreateAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        // Only JSON: a web page can make its visitors' browsers post text/plain or a form anywhere without asking, but
        // application/json needs a CORS preflight that this app never answers.
        if (RequestBody.MediaType(request) != "application/json")
        {
            return Problems.Status(StatusCodes.Status415UnsupportedMediaType, "Unsupported media type", "Send the subscription as application/json; nothing was stored.");
        }

        if (!rateLimiter.TryAcquire(request, out var retryAfter))
        {
            LogRateLimited();
            return Unavailable.TooManyRequests(retryAfter, "Too many subscriptions from this client; try again later.");
        }

        var body = await RequestBody.ReadAsync(request, MaxBodyBytes, cancellationToken);
        if (body is null)
        {
            return Problems.Status(StatusCodes.Status413PayloadTooLarge, "Payload too large", $"A subscription body may be at most {MaxBodyBytes} bytes.");
        }

        var parsed = SubscriptionRequest.Parse(body, firms);
        if (!parsed.IsValid)
        {
            return Problems.Validation(parsed.Errors);
        }

        try
        {
            var subscription = await subscriptions.SubscribeAsync(parsed.Value!, cancellationToken);
            LogCreated(subscription.Id, subscription.Tickers.Count);
            return TypedResults.Json(
                new SubscriptionCreatedResponse(subscription.Id, subscription.Status, "Check your inbox: alerts start once the link in the confirmation email is opened.", Warnings(subscription))
                {
                    Channels = subscription.Channels.Count == 0 ? null : subscription.Channels.Select(c => ChannelView.From(c, null, showSecret: true)).ToList(),
                },
                ApiJsonContext.Default.SubscriptionCreatedResponse,
                statusCode: StatusCodes.Status201Created);
        }
        catch (ChannelsRefusedException ex)
        {
            return Problems.Validation(ex.Errors);
        }
        catch (EmailNotSentException ex)
        {
            LogConfirmationFailed(ex);
            return Unavailable.Result("Email delivery");
        }
        catch (Exception ex) when (Unavailable.IsTransient(ex) && !cancellationToken.IsCancellationRequested)
        {
            LogConfirmationFailed(ex);
            return Unavailable.Result("Storage");
        }
    }

    public async Task<IResult> GetAsync(HttpRequest request, string id, CancellationToken cancellationToken)
    {
        if (!IsId(id))
        {
            return Problems.NotFoundOrForbidden();
        }

        var (access, subscription) = await subscriptions.GetAsync(id, Token(request), cancellationToken);
        return access == SubscriptionAccess.Granted
            ? TypedResults.Json(await ViewAsync(subscription!, [], cancellationToken), ApiJsonContext.Default.SubscriptionView)
            : Problems.NotFoundOrForbidden();
    }

    /// <summary>
    /// <c>PUT /api/subscriptions/{id}</c> with the manage token: replaces the tickers and every rule (the body of
    /// <c>POST</c>, whose <c>email</c> may be left out and cannot be changed). 200 with the subscription as stored;
    /// 400 naming each bad field, and nothing changed; the same 404 for an unknown id and a wrong token.
    /// </summary>
    public async Task<IResult> UpdateAsync(HttpRequest request, string id, CancellationToken cancellationToken)
    {
        var token = Token(request);
        if (!IsId(id) || !subscriptions.IsTokenValid(id, token, LinkPurpose.Manage))
        {
            return Problems.NotFoundOrForbidden();
        }

        var body = await RequestBody.ReadAsync(request, MaxBodyBytes, cancellationToken);
        if (body is null)
        {
            return Problems.Status(StatusCodes.Status413PayloadTooLarge, "Payload too large", $"A subscription body may be at most {MaxBodyBytes} bytes.");
        }

        var parsed = SubscriptionUpdate.Parse(body, firms);
        if (!parsed.IsValid)
        {
            return Problems.Validation(parsed.Errors);
        }

        SubscriptionUpdateOutcome outcome;
        try
        {
            outcome = await subscriptions.UpdateAsync(id, token, parsed.Value!, cancellationToken);
        }
        catch (SubscriptionConflictException)
        {
            return Problems.Status(StatusCodes.Status409Conflict, "Conflict", "The subscription was being changed by another request at the same time; nothing was changed by this one. Try again.");
        }
        catch (Exception ex) when (Unavailable.IsTransient(ex) && !cancellationToken.IsCancellationRequested)
        {
            LogUpdateFailed(ex, id);
            return Unavailable.Result("Storage");
        }

        if (outcome.Access != SubscriptionAccess.Granted)
        {
            return Problems.NotFoundOrForbidden();
        }

        if (!outcome.IsValid)
        {
            return Problems.Validation(outcome.Errors);
        }

        var updated = outcome.Subscription!;
        LogUpdated(id, updated.Tickers.Count, updated.Rules.Paused);
        return TypedResults.Json(await ViewAsync(updated, outcome.AddedChannels, cancellationToken), ApiJsonContext.Default.SubscriptionView);
    }

    /// <summary>The subscription as its owner sees it: with its channels' states (paused, and why) when it has channels.</summary>
    private async Task<SubscriptionView> ViewAsync(Subscription subscription, IReadOnlyCollection<string> addedChannels, CancellationToken cancellationToken)
    {
        var states = subscription.Channels.Count == 0 ? [] : await channelStates.GetAsync(subscription.Id, cancellationToken);
        return SubscriptionView.From(subscription, Warnings(subscription), states, addedChannels);
    }

    public async Task<IResult> DeleteAsync(HttpRequest request, string id, CancellationToken cancellationToken)
    {
        if (!IsId(id) || await subscriptions.DeleteAsync(id, Token(request), LinkPurpose.Manage, cancellationToken) != SubscriptionAccess.Granted)
        {
            return Problems.NotFoundOrForbidden();
        }

        LogDeleted(id);
        return TypedResults.NoContent();
    }

    /// <summary>GET on the confirmation link: a page whose button confirms (a mail scanner's GET confirms nothing).</summary>
    public IResult ConfirmPage(HttpRequest request, string id)
    {
        if (!IsId(id) || !subscriptions.IsTokenValid(id, Token(request), LinkPurpose.Confirm))
        {
            return InvalidLink(request);
        }

        return HtmlPage.Form(
            "Confirm your subscription",
            "<p>Press the button to start receiving rating-change alerts at this address.</p>",
            PathAndQuery(request),
            "Confirm subscription");
    }

    public async Task<IResult> ConfirmAsync(HttpRequest request, string id, CancellationToken cancellationToken)
    {
        if (!IsId(id))
        {
            return InvalidLink(request);
        }

        var (access, subscription) = await subscriptions.ConfirmAsync(id, Token(request), cancellationToken);
        if (access != SubscriptionAccess.Granted)
        {
            return InvalidLink(request);
        }

        LogConfirmed(id);
        if (HtmlPage.IsWanted(request))
        {
            return HtmlPage.Render(
                "Subscription confirmed",
                $"<p>Alerts for <strong>{HtmlPage.Encode(string.Join(", ", subscription!.Tickers))}</strong> will now reach {HtmlPage.Encode(subscription.Email)}.</p>" +
                "<p>Every alert email carries the links to change or stop your alerts.</p>");
        }

        return TypedResults.Json(SubscriptionView.From(subscription!, Warnings(subscription!)), ApiJsonContext.Default.SubscriptionView);
    }

    /// <summary>GET on the unsubscribe link: a page with a button. Unsubscribing takes a POST (RFC 8058 one-click, or the button).</summary>
    public IResult UnsubscribePage(HttpRequest request, string id)
    {
        if (!IsId(id) || !IsUnsubscribeToken(id, Token(request)))
        {
            return InvalidLink(request);
        }

        return HtmlPage.Form(
            "Unsubscribe",
            "<p>Press the button to stop all rating-change alerts to this address.</p>",
            PathAndQuery(request),
            "Unsubscribe");
    }

    public async Task<IResult> UnsubscribeAsync(HttpRequest request, string id, CancellationToken cancellationToken)
    {
        var token = Token(request);
        if (!IsId(id))
        {
            return InvalidLink(request);
        }

        var purpose = subscriptions.IsTokenValid(id, token, LinkPurpose.Unsubscribe) ? LinkPurpose.Unsubscribe : LinkPurpose.Manage;
        if (await subscriptions.DeleteAsync(id, token, purpose, cancellationToken) != SubscriptionAccess.Granted)
        {
            return InvalidLink(request);
        }

        LogDeleted(id);
        return HtmlPage.IsWanted(request)
            ? HtmlPage.Render("You are unsubscribed", "<p>No more alerts will be sent to this address for this subscription.</p>")
            : TypedResults.Ok();
    }

    /// <summary>
    /// The preference page reached from every alert email (<c>GET /api/subscriptions/{id}/manage?token=</c>): a form
    /// whose script reads the subscription with <c>GET</c> and saves it with <c>PUT</c>, and an unsubscribe button.
    /// An unknown id or a wrong token shows the same "this link does not work" page.
    /// </summary>
    public async Task<IResult> ManagePage(HttpRequest request, string id, CancellationToken cancellationToken)
    {
        if (!IsId(id))
        {
            return InvalidLink(request);
        }

        var (access, _) = await subscriptions.GetAsync(id, Token(request), cancellationToken);
        if (access != SubscriptionAccess.Granted)
        {
            return InvalidLink(request);
        }

        // Same origin as the page whatever Alerts:PublicBaseUrl says, so that the form-action 'self' of the page's CSP allows it.
        var unsubscribe = new Uri(links.Unsubscribe(id)).PathAndQuery;
        return Pages.ManagePage.Render($"{request.PathBase}/api/subscriptions/{id}", request.PathBase + unsubscribe, request.PathBase.ToString());
    }

    /// <summary>Subscription ids are 32 lower-case hex characters; anything else cannot name one (and never reaches a table key).</summary>
    internal static bool IsId(string? id) => id is { Length: 32 } && IdPattern().IsMatch(id);

    private bool IsUnsubscribeToken(string id, string? token) =>
        subscriptions.IsTokenValid(id, token, LinkPurpose.Unsubscribe) || subscriptions.IsTokenValid(id, token, LinkPurpose.Manage);

    /// <summary>The token from <c>Authorization: Bearer</c>, else from <c>?token=</c>.</summary>
    private static string? Token(HttpRequest request)
    {
        var authorization = request.Headers.Authorization.ToString();
        if (authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return authorization["Bearer ".Length..].Trim();
        }

        var token = request.Query["token"].ToString();
        return token.Length == 0 ? null : token;
    }

    private static string PathAndQuery(HttpRequest request) => request.PathBase + request.Path + request.QueryString;

    private static IResult InvalidLink(HttpRequest request) =>
        HtmlPage.IsWanted(request)
            ? HtmlPage.Render("This link does not work", "<p>The link is invalid or has expired. Links in newer emails still work.</p>", StatusCodes.Status404NotFound)
            : Problems.NotFoundOrForbidden();

    [GeneratedRegex("^[0-9a-f]{32}$")]
    private static partial Regex IdPattern();

    /// <summary>Tickers the securities master does not list, with the near ones: a warning beside the answer, never a refusal.</summary>
    private IReadOnlyList<TickerWarning>? Warnings(Subscription subscription) =>
        securities.CheckTickers(subscription.Tickers) is { Count: > 0 } warnings ? warnings : null;

    [LoggerMessage(Level = LogLevel.Information, Message = "Subscription {SubscriptionId} created for {TickerCount} tickers")]
    private partial void LogCreated(string subscriptionId, int tickerCount);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Subscription creation refused: the client reached its hourly limit")]
    private partial void LogRateLimited();

    [LoggerMessage(Level = LogLevel.Information, Message = "Subscription {SubscriptionId} confirmed")]
    private partial void LogConfirmed(string subscriptionId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Subscription {SubscriptionId} updated: {TickerCount} tickers, paused {Paused}")]
    private partial void LogUpdated(string subscriptionId, int tickerCount, bool paused);

    [LoggerMessage(Level = LogLevel.Error, Message = "Subscription {SubscriptionId} could not be updated")]
    private partial void LogUpdateFailed(Exception exception, string subscriptionId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Subscription {SubscriptionId} deleted")]
    private partial void LogDeleted(string subscriptionId);

    [LoggerMessage(Level = LogLevel.Error, Message = "A subscription could not be created")]
    private partial void LogConfirmationFailed(Exception exception);
}
