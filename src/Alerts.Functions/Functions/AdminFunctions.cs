using Alerts.Api.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;

namespace Alerts.Functions.Functions;

/// <summary>
/// Operator routes under <c>/api/ops</c> (admin key required; see <see cref="AdminApi"/>) and the health route.
/// Not under <c>/api/admin</c>: the Functions host reserves routes that start with "admin".
/// </summary>
public sealed class AdminFunctions(AdminApi admin, HealthApi health)
{
    [Function("Health")]
    public Task<IResult> HealthAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/health")] HttpRequest request,
        CancellationToken cancellationToken) => health.GetAsync(request, cancellationToken);

    [Function("AdminListSubscribers")]
    public Task<IResult> ListSubscribersAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/ops/subscribers")] HttpRequest request,
        CancellationToken cancellationToken) => admin.ListSubscribersAsync(request, cancellationToken);

    [Function("AdminListDeadLetters")]
    public Task<IResult> ListDeadLettersAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/ops/dead-letters")] HttpRequest request,
        CancellationToken cancellationToken) => admin.ListDeadLettersAsync(request, cancellationToken);

    [Function("AdminReplayDeadLetters")]
    public Task<IResult> ReplayDeadLettersAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/ops/dead-letters/replay")] HttpRequest request,
        CancellationToken cancellationToken) => admin.ReplayDeadLettersAsync(request, cancellationToken);
}
