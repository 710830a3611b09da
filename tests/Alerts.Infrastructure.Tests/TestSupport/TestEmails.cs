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
}
