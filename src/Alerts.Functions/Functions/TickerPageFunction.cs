using Alerts.Api.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;

namespace Alerts.Functions.Functions;

/// <summary>
/// <c>GET /t/{ticker}</c>: the ticker's public page (trigger only; see <see cref="TickerPageApi"/>). Outside <c>/api</c>:
/// host.json sets <c>extensions.http.routePrefix</c> to empty and every other function names its <c>api/</c> itself.
/// </summary>
public sealed class TickerPageFunction(TickerPageApi handler)
{
    [Function("TickerPage")]
    public Task<IResult> Get(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "t/{ticker}")] HttpRequest request,
        string ticker,
        CancellationToken cancellationToken) => handler.GetAsync(request, ticker, cancellationToken);
}
