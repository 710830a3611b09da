using Alerts.Testing;

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

    /// <summary>The path of Benzinga's removed records, which every Benzinga poll reads after the ratings.</summary>
    public const string BenzingaRemovedPath = "/api/v2.1/calendar-removed";

    /// <summary>
    /// Benzinga as a whole: <paramref name="ratings"/> for the ratings calendar (or whatever else is asked), and
    /// <paramref name="removed"/> (default: none) for the removed records.
    /// </summary>
    public static Func<CapturedRequest, (int Status, string? Body, IDictionary<string, string>? Headers)> Benzinga(
        Func<CapturedRequest, string> ratings, string removed = """{"removed": []}""") =>
        request => Json(request.Path.EndsWith(BenzingaRemovedPath, StringComparison.Ordinal) ? removed : ratings(request));

    /// <summary>The same with one ratings answer.</summary>
    public static Func<CapturedRequest, (int Status, string? Body, IDictionary<string, string>? Headers)> Benzinga(string ratings, string removed = """{"removed": []}""") =>
        Benzinga(_ => ratings, removed);

    /// <summary>The requests for Benzinga's ratings calendar, leaving out those for its removed records.</summary>
    public static List<CapturedRequest> RatingsRequests(IEnumerable<CapturedRequest> requests) =>
        requests.Where(r => !r.Path.EndsWith(BenzingaRemovedPath, StringComparison.Ordinal)).ToList();
}
