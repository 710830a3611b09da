using Alerts.Core;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Alerts.Api.Http;

/// <summary>Every 4xx (and 503) answer as RFC 9457 <c>application/problem+json</c>, naming what was wrong.</summary>
internal static class Problems
{
    public static ProblemHttpResult Validation(IReadOnlyList<ValidationError> errors)
    {
        var detail = string.Join("; ", errors.Take(20).Select(Describe)) + (errors.Count > 20 ? $"; and {errors.Count - 20} more" : string.Empty);
        return TypedResults.Problem(
            statusCode: StatusCodes.Status400BadRequest,
            title: "The request is invalid; nothing was stored",
            detail: detail,
            extensions: new Dictionary<string, object?>
            {
                ["errors"] = errors.Select(e => new Dictionary<string, object?>
                {
                    ["index"] = e.Index,
                    ["field"] = e.Field,
                    ["message"] = e.Message,
                }).ToList(),
            });
    }

    public static ProblemHttpResult Status(int status, string title, string detail, TimeSpan? retryAfter = null)
    {
        var extensions = retryAfter is { } delay
            ? new Dictionary<string, object?> { ["retryAfterSeconds"] = (int)Math.Ceiling(delay.TotalSeconds) }
            : null;
        return TypedResults.Problem(statusCode: status, title: title, detail: detail, extensions: extensions);
    }

    public static ProblemHttpResult Unauthorized(string detail) =>
        Status(StatusCodes.Status401Unauthorized, "Unauthorized", detail);

    /// <summary>The same answer for "no such subscription" and "not your token": nothing to enumerate.</summary>
    public static ProblemHttpResult NotFoundOrForbidden() =>
        Status(StatusCodes.Status404NotFound, "Not found", "No subscription answers to this id and token.");

    private static string Describe(ValidationError error) =>
        (error.Index is { } index ? $"item {index}: " : string.Empty) + $"{error.Field} {error.Message}";
}
