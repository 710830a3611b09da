using Alerts.Api.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;

namespace Alerts.Functions.Functions;

/// <summary><c>POST /api/ratings</c> (the signed webhook) and <c>GET /api/ratings</c>: triggers only, the work is <see cref="RatingsApi"/>'s.</summary>
public sealed class RatingsFunctions(RatingsApi ratings)
{
    [Function("PostRatings")]
    public Task<IResult> PostAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/ratings")] HttpRequest request,
        CancellationToken cancellationToken) => ratings.PostAsync(request, cancellationToken);

    [Function("GetRatings")]
    public Task<IResult> GetAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/ratings")] HttpRequest request,
        CancellationToken cancellationToken) => ratings.GetAsync(request, cancellationToken);
}
