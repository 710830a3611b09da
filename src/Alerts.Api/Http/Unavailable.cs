using Azure;
using Microsoft.AspNetCore.Http;

namespace Alerts.Api.Http;

/// <summary>Storage or the email carrier is down: answer 503 with Retry-After, never a false success and never a 500.</summary>
internal static class Unavailable
{
    public static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(10);

    /// <summary>True for failures that say "the service is not there right now" rather than "this request is wrong".</summary>
    public static bool IsTransient(Exception exception) => exception switch
    {
        RequestFailedException { Status: 0 or 408 or 429 or >= 500 } => true,
        // The app's identity lacks a data role: on a first deploy, for the minutes a new role assignment takes to
        // propagate (docs/deploy.md). Answered as "not there right now" rather than a 500; the log names the error code.
        RequestFailedException { Status: 403, ErrorCode: "AuthorizationPermissionMismatch" or "AuthorizationFailure" } => true,
        RequestFailedException => false,
        HttpRequestException or TimeoutException or IOException => true,
        TaskCanceledException => true,
        AggregateException aggregate => aggregate.InnerExceptions.All(IsTransient),
        _ => exception.InnerException is { } inner && IsTransient(inner),
    };

    public static IResult Result(string what) =>
        new RetryAfterResult(
            Problems.Status(StatusCodes.Status503ServiceUnavailable, "Service unavailable", $"{what} is unavailable; nothing was stored. Try again shortly.", RetryAfter),
            RetryAfter);

    /// <summary>429 with Retry-After: a limit was reached, not a fault.</summary>
    public static IResult TooManyRequests(TimeSpan retryAfter, string detail) =>
        new RetryAfterResult(Problems.Status(StatusCodes.Status429TooManyRequests, "Too many requests", detail, retryAfter), retryAfter);

    private sealed class RetryAfterResult(IResult inner, TimeSpan retryAfter) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.Headers.RetryAfter = ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
            return inner.ExecuteAsync(httpContext);
        }
    }
}
