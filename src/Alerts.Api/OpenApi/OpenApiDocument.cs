using Microsoft.AspNetCore.Http;

namespace Alerts.Api.OpenApi;

/// <summary><c>GET /api/openapi.json</c>: the OpenAPI 3 description of the HTTP API (embedded <c>OpenApi/openapi.json</c>), the same from both hosts.</summary>
public static class OpenApiDocument
{
    private static readonly Lazy<byte[]> Document = new(() =>
    {
        using var stream = typeof(OpenApiDocument).Assembly.GetManifestResourceStream("Alerts.Api.OpenApi.openapi.json")
            ?? throw new InvalidOperationException("The embedded OpenAPI description is missing.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    });

    public static IResult Get() => TypedResults.Bytes(Document.Value, "application/json");
}
