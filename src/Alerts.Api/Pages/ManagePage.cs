using Microsoft.AspNetCore.Http;

namespace Alerts.Api.Pages;

/// <summary>
/// The preference page: plain HTML, the form's controls labelled and grouped in fieldsets, filled and saved by
/// <c>Assets/manage.js</c> through the subscription API (<c>GET</c> / <c>PUT /api/subscriptions/{id}</c>, the token from
/// the page's own <c>?token=</c> sent as <c>Authorization: Bearer</c>). No inline script or style: the
/// Content-Security-Policy allows same-origin scripts and styles only. No user data is written into the HTML here (the
/// script sets it as text); what is written (the API path and the unsubscribe link) is HTML-escaped.
/// </summary>
internal static class ManagePage
{
    /// <summary>What the page may load and where it may send: its own origin only (and the empty data: icon below).</summary>
    public const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; " +
        "form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

    private static readonly (string Value, string Label)[] Actions =
    [
        ("upgrade", "Upgrades"), ("downgrade", "Downgrades"), ("initiate", "Coverage initiated"), ("reiterate", "Ratings reiterated"),
        ("target_raise", "Price target raised"), ("target_cut", "Price target cut"), ("resume", "Coverage resumed"), ("suspend", "Coverage suspended"),
    ];

    private static readonly (string Value, string Label)[] Ratings =
    [
        ("", "Any rating"), ("strong_buy", "Strong buy"), ("buy", "Buy or better"), ("hold", "Hold or better"), ("sell", "Sell or better"), ("strong_sell", "Strong sell or better"),
    ];

    private static readonly (string Value, string Label, string Hint)[] Directions =
    [
        ("any", "All news", "Every change that passes the other rules."),
        ("positive", "Good news only", "Upgrades, target raises, coverage started or resumed at buy or better."),
        ("negative", "Bad news only", "Downgrades, target cuts, coverage suspended, or started or resumed at sell or worse."),
    ];

    private static readonly (string Value, string Label, string Hint)[] DeliveryModes =
    [
        ("instant", "Each alert as it comes", "One email per alert, except in quiet hours or over the hourly limit below."),
        ("digest", "One digest a day", "Everything of the day in one email, at the digest time below."),
    ];

    public static IResult Render(string apiPath, string unsubscribeAction, string pathBase = "") =>
        new SecureHtmlResult(Html(apiPath, unsubscribeAction, pathBase), ContentSecurityPolicy);

    internal static string Html(string apiPath, string unsubscribeAction, string pathBase)
    {
        var e = (Func<string, string>)HtmlPage.Encode;
        var actions = string.Concat(Actions.Select(a =>
            $"<label class=\"check\"><input type=\"checkbox\" name=\"actions\" value=\"{a.Value}\"> {a.Label}</label>"));
        var ratings = string.Concat(Ratings.Select(r => $"<option value=\"{r.Value}\">{r.Label}</option>"));
        var directions = Choices("direction", Directions);
        var deliveryModes = Choices("delivery", DeliveryModes);

        return $$"""
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <meta name="referrer" content="no-referrer">
            <link rel="icon" href="data:,">
            <title>Your alerts - Alerts</title>
            <link rel="stylesheet" href="{{e(StaticAssets.Url(pathBase, StaticAssets.ManageStyles))}}">
            <script src="{{e(StaticAssets.Url(pathBase, StaticAssets.ManageScript))}}" defer></script>
            </head>
            <body>
            <main id="manage" data-api="{{e(apiPath)}}">
            <h1>Your alerts</h1>
            <p id="summary">Loading your subscription&hellip;</p>
            <div id="status" class="status" role="status" aria-live="polite"></div>
            <noscript><p class="error">This page needs JavaScript to show and save your choices. The unsubscribe button below works without it.</p></noscript>
            <form id="preferences" novalidate hidden>
            <fieldset>
            <legend>Tickers</legend>
            <label for="tickers">Tickers you follow</label>
            <p class="hint" id="tickers-hint">Separate them with commas, spaces or new lines; 1 to 500.</p>
            <textarea id="tickers" name="tickers" rows="3" autocapitalize="characters" autocomplete="off" spellcheck="false" aria-describedby="tickers-hint tickers-error tickers-warning"></textarea>
            <p class="error" id="tickers-error" hidden></p>
            <p class="warning" id="tickers-warning" hidden></p>
            </fieldset>
            <fieldset id="actions" aria-describedby="actions-hint actions-error">
            <legend>Actions</legend>
            <p class="hint" id="actions-hint">Tick none to get every action. A price-target rule also catches any change that moved the target that way.</p>
            <div class="checks">{{actions}}</div>
            <p class="error" id="actions-error" hidden></p>
            </fieldset>
            <fieldset>
            <legend>Firms</legend>
            <label for="firms">Only these firms</label>
            <p class="hint" id="firms-hint">One firm per line; leave empty for every firm. "J.P. Morgan" and "JPM" are one firm.</p>
            <textarea id="firms" name="firms" rows="2" autocomplete="off" spellcheck="false" aria-describedby="firms-hint firms-error"></textarea>
            <p class="error" id="firms-error" hidden></p>
            <label for="excludeFirms">Never these firms</label>
            <p class="hint" id="excludeFirms-hint">One firm per line.</p>
            <textarea id="excludeFirms" name="excludeFirms" rows="2" autocomplete="off" spellcheck="false" aria-describedby="excludeFirms-hint excludeFirms-error"></textarea>
            <p class="error" id="excludeFirms-error" hidden></p>
            </fieldset>
            <fieldset>
            <legend>Thresholds</legend>
            <label for="minTargetChangePct">Minimum price-target move, in percent</label>
            <p class="hint" id="minTargetChangePct-hint">Up or down; leave empty for any move (or none). Greater than 0, at most 1000.</p>
            <input type="text" id="minTargetChangePct" name="minTargetChangePct" inputmode="decimal" autocomplete="off" aria-describedby="minTargetChangePct-hint minTargetChangePct-error">
            <p class="error" id="minTargetChangePct-error" hidden></p>
            <label for="minRating">Minimum new rating</label>
            <p class="hint" id="minRating-hint">Only changes whose new rating is at least this; a rating we cannot place never passes.</p>
            <select id="minRating" name="minRating" aria-describedby="minRating-hint minRating-error">{{ratings}}</select>
            <p class="error" id="minRating-error" hidden></p>
            </fieldset>
            <fieldset id="direction" aria-describedby="direction-error">
            <legend>Direction</legend>
            {{directions}}
            <p class="error" id="direction-error" hidden></p>
            <div class="choice"><input type="checkbox" id="notableOnly" name="notableOnly" aria-describedby="notableOnly-hint notableOnly-error"><label for="notableOnly">Notable calls only</label></div>
            <p class="hint" id="notableOnly-hint">Only a new street-high or street-low target, a call against the consensus, a move of two notches or more, a firm's first call in a year, or a target far from the street's mean.</p>
            <p class="error" id="notableOnly-error" hidden></p>
            </fieldset>
            <fieldset id="delivery" aria-describedby="delivery-error">
            <legend>Delivery</legend>
            {{deliveryModes}}
            <p class="error" id="delivery-error" hidden></p>
            </fieldset>
            <fieldset>
            <legend>When emails may leave</legend>
            <label for="timeZone">Time zone</label>
            <p class="hint" id="timeZone-hint">The times on this page are in this zone, such as Europe/Paris or America/New_York.</p>
            <input type="text" id="timeZone" name="timeZone" list="timeZones" autocomplete="off" autocapitalize="off" spellcheck="false" aria-describedby="timeZone-hint timeZone-error">
            <datalist id="timeZones"></datalist>
            <p class="error" id="timeZone-error" hidden></p>
            <label for="digestTime">Digest time</label>
            <p class="hint" id="digestTime-hint">When the daily digest leaves (with "One digest a day").</p>
            <input type="time" id="digestTime" name="digestTime" aria-describedby="digestTime-hint digestTime-error">
            <p class="error" id="digestTime-error" hidden></p>
            <div class="choice"><input type="checkbox" id="quiet" name="quiet" aria-controls="quiet-times" aria-describedby="quiet-hint"><label for="quiet">Quiet hours</label><p class="hint" id="quiet-hint">No email between these times; what arrives meanwhile comes in one email when they end.</p></div>
            <div id="quiet-times" class="times">
            <div><label for="quietStart">Quiet from</label><input type="time" id="quietStart" name="quietStart" aria-describedby="quietHours-error"></div>
            <div><label for="quietEnd">Quiet until</label><input type="time" id="quietEnd" name="quietEnd" aria-describedby="quietHours-error"></div>
            </div>
            <p class="error" id="quietHours-error" hidden></p>
            <label for="maxPerHour">At most this many emails per hour</label>
            <p class="hint" id="maxPerHour-hint">1 to 1000; leave empty for no limit. Alerts over the limit come together in one email when the next hour begins.</p>
            <input type="text" id="maxPerHour" name="maxPerHour" inputmode="numeric" autocomplete="off" aria-describedby="maxPerHour-hint maxPerHour-error">
            <p class="error" id="maxPerHour-error" hidden></p>
            </fieldset>
            <fieldset id="channels" aria-describedby="channels-hint channels-error">
            <legend>Channels besides email</legend>
            <p class="hint" id="channels-hint">Each alert also goes to these receivers. A receiver that keeps failing is paused, with a note here: remove it, save, and add it again to resume.</p>
            <ul id="channel-list" class="channels"></ul>
            <label for="newChannelType">Add a channel</label>
            <select id="newChannelType" name="newChannelType"><option value="webhook">Webhook (signed JSON)</option><option value="slack">Slack incoming webhook</option><option value="teams">Microsoft Teams webhook</option></select>
            <label for="newChannelUrl">Its URL</label>
            <p class="hint" id="newChannelUrl-hint">An https URL; Alerts posts a test message (a webhook must answer its challenge) before saving.</p>
            <input type="url" id="newChannelUrl" name="newChannelUrl" autocomplete="off" spellcheck="false" aria-describedby="newChannelUrl-hint channels-error">
            <p class="error" id="channels-error" hidden></p>
            </fieldset>
            <fieldset>
            <legend>Pause</legend>
            <div class="choice"><input type="checkbox" id="paused" name="paused" aria-describedby="paused-hint paused-error"><label for="paused">Pause all alerts</label></div>
            <p class="hint" id="paused-hint">Nothing is sent while paused; your choices are kept.</p>
            <p class="error" id="paused-error" hidden></p>
            </fieldset>
            <p class="error" id="form-error" hidden></p>
            <button type="submit" id="save">Save changes</button>
            </form>
            <section aria-labelledby="unsubscribe-heading">
            <h2 id="unsubscribe-heading">Stop all alerts</h2>
            <form method="post" action="{{e(unsubscribeAction)}}">
            <button type="submit" class="danger" id="unsubscribe">Unsubscribe</button>
            </form>
            </section>
            </main>
            </body>
            </html>
            """;
    }

    /// <summary>A radio group: each choice with its label and hint, the group one tab stop (arrows move within it).</summary>
    private static string Choices(string name, IEnumerable<(string Value, string Label, string Hint)> choices) =>
        string.Concat(choices.Select(c =>
            $"<div class=\"choice\"><input type=\"radio\" name=\"{name}\" id=\"{name}-{c.Value}\" value=\"{c.Value}\" aria-describedby=\"{name}-{c.Value}-hint\">" +
            $"<label for=\"{name}-{c.Value}\">{c.Label}</label><p class=\"hint\" id=\"{name}-{c.Value}-hint\">{c.Hint}</p></div>"));
}
