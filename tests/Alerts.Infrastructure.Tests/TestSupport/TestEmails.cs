using Alerts.Core.Delivery;

namespace Alerts.Infrastructure.Tests.TestSupport;

internal static class TestEmails
{
    public const string UnsubscribeUrl = "https://alerts.example.com/api/unsubscribe/sub-1?token=abc.def-ghi";

    public static EmailMessage Alert(string? subject = null, string? reference = null) => new()
    {
        FromAddress = "alerts@example.com",
        FromName = "Alerts",
        To = "ana@example.com",
        Subject = subject ?? "JPMorgan upgrades CIFR to Overweight from Neutral, PT $12 -> $18",
        TextBody = "JPMorgan upgrades CIFR to Overweight from Neutral.\nPrice target $12 -> $18.\n\nManage: https://alerts.example.com/manage?token=t\n",
        HtmlBody = "<html><body><p>JPMorgan upgrades <b>CIFR</b> to Overweight from Neutral.</p><p><a href=\"https://alerts.example.com/manage?token=t\">Manage</a></p></body></html>",
        Headers = new Dictionary<string, string>
        {
            ["List-Unsubscribe"] = $"<{UnsubscribeUrl}>",
            ["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click",
        },
        Category = "alert",
        Reference = reference ?? Guid.NewGuid().ToString("N"),
    };

    /// <summary>An alert for <paramref name="recipients"/> addresses, each with its own manage and unsubscribe links.</summary>
    public static EmailBatch AlertBatch(int recipients) => new()
    {
        FromAddress = "alerts@example.com",
        FromName = "Alerts",
        Subject = "JPMorgan upgrades CIFR to Overweight from Neutral, PT $12 -> $18",
        TextBody = "JPMorgan upgrades CIFR to Overweight from Neutral.\n\nManage: %%n:manage%%\n",
        HtmlBody = "<html><body><p>JPMorgan upgrades <b>CIFR</b>.</p><p><a href=\"%%n:manage-html%%\">Manage</a></p></body></html>",
        Headers = new Dictionary<string, string> { ["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click" },
        Category = "alert",
        Recipients = Enumerable.Range(0, recipients).Select(i => new EmailPersonalization(
            $"user{i}@example.com",
            $"alert-{i}",
            new Dictionary<string, string>
            {
                ["%%n:manage%%"] = $"https://alerts.example.com/api/subscriptions/sub-{i}/manage?token=t{i}&x=1",
                ["%%n:manage-html%%"] = $"https://alerts.example.com/api/subscriptions/sub-{i}/manage?token=t{i}&amp;x=1",
            },
            new Dictionary<string, string> { ["List-Unsubscribe"] = $"<https://alerts.example.com/api/subscriptions/sub-{i}/unsubscribe?token=u{i}>" })).ToList(),
    };
}
