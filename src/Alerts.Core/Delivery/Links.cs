using Alerts.Core.Security;
using Microsoft.Extensions.Options;

namespace Alerts.Core.Delivery;

/// <summary>The links in emails: the ticker's public page, and the subscriber's links, each carrying a token scoped to one subscription and one purpose.</summary>
public sealed class Links(IOptions<AlertsOptions> options, LinkTokens tokens)
{
    /// <summary>The ticker's public page, <c>/t/{TICKER}</c> (no token: it shows public data only).</summary>
    public string Ticker(string ticker) => $"{options.Value.PublicBaseUrl.TrimEnd('/')}/t/{Uri.EscapeDataString(ticker)}";

    public string Confirm(string subscriptionId) => Build(subscriptionId, "confirm", LinkPurpose.Confirm);

    public string Manage(string subscriptionId) => Build(subscriptionId, "manage", LinkPurpose.Manage);

    public string Unsubscribe(string subscriptionId) => Build(subscriptionId, "unsubscribe", LinkPurpose.Unsubscribe);

    /// <summary>The manage token alone, for the API (<c>Authorization: Bearer</c>).</summary>
    public string ManageToken(string subscriptionId) => tokens.Create(LinkPurpose.Manage, subscriptionId);

    private string Build(string subscriptionId, string page, LinkPurpose purpose) =>
        $"{options.Value.PublicBaseUrl.TrimEnd('/')}/api/subscriptions/{Uri.EscapeDataString(subscriptionId)}/{page}?token={Uri.EscapeDataString(tokens.Create(purpose, subscriptionId))}";
}
