namespace Alerts.Feeds.Tests.TestSupport;

/// <summary>Answers for CaptureServer responders.</summary>
internal static class Responses
{
    public static (int Status, string? Body, IDictionary<string, string>? Headers) Json(string body) =>
        (200, body, new Dictionary<string, string> { ["Content-Type"] = "application/json; charset=utf-8" });

    public static (int Status, string? Body, IDictionary<string, string>? Headers) Xml(string body) =>
        (200, body, new Dictionary<string, string> { ["Content-Type"] = "application/rss+xml; charset=utf-8" });

    public static (int Status, string? Body, IDictionary<string, string>? Headers) Status(int status, string? body = null, IDictionary<string, string>? headers = null) =>
        (status, body, headers);
}
