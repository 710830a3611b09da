using Alerts.Api.OpenApi;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;

namespace Alerts.Functions.Functions;

/// <summary><c>GET /api/openapi.json</c>: the OpenAPI 3 description of these routes.</summary>
public sealed class OpenApiFunction
{
    [Function("OpenApi")]
    public IResult Get([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/openapi.json")] HttpRequest request) => OpenApiDocument.Get();
}
