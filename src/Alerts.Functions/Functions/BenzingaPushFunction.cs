using Alerts.Api.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;

namespace Alerts.Functions.Functions;

/// <summary><c>POST /api/feeds/benzinga</c>: Benzinga's data webhook (trigger only; see <see cref="BenzingaPushApi"/>).</summary>
public sealed class BenzingaPushFunction(BenzingaPushApi push)
{
    [Function("BenzingaPush")]
    public Task<IResult> PostAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/feeds/benzinga")] HttpRequest request,
        CancellationToken cancellationToken) => push.PostAsync(request, cancellationToken);
}
