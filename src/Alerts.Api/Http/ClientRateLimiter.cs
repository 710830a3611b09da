using System.Threading.RateLimiting;
using Alerts.Core;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace Alerts.Api.Http;

/// <summary>
/// Limits how many subscriptions one client creates per hour (<see cref="AlertsOptions.MaxSubscriptionsPerClientPerHour"/>),
/// so nobody can script thousands of confirmation emails. The client is the last address in <c>X-Forwarded-For</c>
/// (the one Azure's front end adds), else the connection's address. Counts are kept per instance, in memory.
/// </summary>
public sealed class ClientRateLimiter : IDisposable
{
    private readonly PartitionedRateLimiter<string> _limiter;

    public ClientRateLimiter(IOptions<AlertsOptions> options)
    {
        var permits = options.Value.MaxSubscriptionsPerClientPerHour;
        _limiter = PartitionedRateLimiter.Create<string, string>(client => RateLimitPartition.GetFixedWindowLimiter(
            client,
            _ => new FixedWindowRateLimiterOptions { PermitLimit = permits, Window = TimeSpan.FromHours(1), QueueLimit = 0, AutoReplenishment = true }));
    }

    /// <summary>True when the client may go on; otherwise <paramref name="retryAfter"/> says when to come back.</summary>
    public bool TryAcquire(HttpRequest request, out TimeSpan retryAfter)
    {
        using var lease = _limiter.AttemptAcquire(ClientOf(request));
        retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : TimeSpan.FromMinutes(5);
        return lease.IsAcquired;
    }

    internal static string ClientOf(HttpRequest request)
    {
        var forwarded = request.Headers["X-Forwarded-For"].ToString();
        if (forwarded.Length > 0)
        {
            var last = forwarded.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).LastOrDefault();
            if (!string.IsNullOrEmpty(last))
            {
                return last.Length > 64 ? last[..64] : last;
            }
        }

        return request.HttpContext.Connection.RemoteIpAddress?.ToString() ?? "unknown";
    }

    public void Dispose() => _limiter.Dispose();
}
