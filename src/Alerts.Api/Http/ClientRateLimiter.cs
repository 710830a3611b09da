using System.Threading.RateLimiting;
using Alerts.Core;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace Alerts.Api.Http;

/// <summary>
/// Limits how many subscriptions one client creates per hour (<see cref="AlertsOptions.MaxSubscriptionsPerClientPerHour"/>),
/// a first line against scripts. The client is what <see cref="ClientAddresses"/> says. Counts are kept per instance, in
/// memory: the limits that must hold across instances (confirmation emails per mailbox and per mail domain, subscriptions
/// per mailbox) are kept in Table Storage by <see cref="Core.Subscriptions.SubscriptionService"/>.
/// </summary>
public sealed class ClientRateLimiter : IDisposable
{
    private readonly PartitionedRateLimiter<string> _limiter;
    private readonly ClientAddresses _clients;

    public ClientRateLimiter(IOptions<AlertsOptions> options, ClientAddresses clients)
    {
        _clients = clients;
        var permits = options.Value.MaxSubscriptionsPerClientPerHour;
        _limiter = PartitionedRateLimiter.Create<string, string>(client => RateLimitPartition.GetFixedWindowLimiter(
            client,
            _ => new FixedWindowRateLimiterOptions { PermitLimit = permits, Window = TimeSpan.FromHours(1), QueueLimit = 0, AutoReplenishment = true }));
    }

    /// <summary>True when the client may go on; otherwise <paramref name="retryAfter"/> says when to come back.</summary>
    public bool TryAcquire(HttpRequest request, out TimeSpan retryAfter)
    {
        using var lease = _limiter.AttemptAcquire(_clients.ClientOf(request.HttpContext.Connection.RemoteIpAddress, request.Headers["X-Forwarded-For"].ToString()));
        retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : TimeSpan.FromMinutes(5);
        return lease.IsAcquired;
    }

    public void Dispose() => _limiter.Dispose();
}
