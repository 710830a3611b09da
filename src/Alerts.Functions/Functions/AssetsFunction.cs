using Alerts.Api.Pages;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;

namespace Alerts.Functions.Functions;

/// <summary>The pages' script and style sheet (<c>GET /api/assets/manage.js</c>, <c>manage.css</c>), embedded in Alerts.Api.</summary>
public sealed class AssetsFunction
{
    [Function("StaticAsset")]
    public IResult Get(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/assets/{name}")] HttpRequest request,
        string name) => StaticAssets.Get(request, name);
}
