using System.Reflection;
using System.Text.Json;
using Alerts.Api;
using Alerts.Api.OpenApi;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Alerts.Functions.Tests;

/// <summary>
/// One set of routes: the HTTP-triggered functions, the local runner's endpoints (<see cref="AlertsEndpointRouteBuilderExtensions.MapAlertsApi"/>)
/// and the OpenAPI description served at /api/openapi.json must name the same (method, route) pairs. host.json sets no
/// route prefix, so each function names its full route (<c>api/...</c>, or <c>t/{ticker}</c> for the ticker's page); the
/// description's paths are under its server (<c>/api</c>) unless a path names its own.
/// </summary>
public sealed class RouteParityTests
{
    private static SortedSet<string> FunctionRoutes() =>
        new(typeof(Alerts.Functions.Functions.RatingsFunctions).Assembly.GetTypes()
            .SelectMany(t => t.GetMethods())
            .SelectMany(m => m.GetParameters())
            .Select(p => p.GetCustomAttribute<HttpTriggerAttribute>())
            .OfType<HttpTriggerAttribute>()
            .SelectMany(a => (a.Methods ?? []).Select(method => $"{method.ToUpperInvariant()} /{a.Route}")));

    private static SortedSet<string> RunnerRoutes()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Webhook:Secrets"] = "route-parity-secret-0123456789abcdefghij",
            ["Alerts:SigningKeys"] = "route-parity-signing-key-0123456789abcdef",
        }).Build();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Services.AddAlerts(configuration);
        var app = builder.Build();
        app.MapAlertsApi();
        return new(((IEndpointRouteBuilder)app).DataSources
            .SelectMany(d => d.Endpoints)
            .OfType<RouteEndpoint>()
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? []).Select(method => $"{method} {e.RoutePattern.RawText!.TrimEnd('/')}")));
    }

    private static async Task<SortedSet<string>> DocumentedRoutesAsync()
    {
        var context = new DefaultHttpContext { RequestServices = new ServiceCollection().AddLogging().BuildServiceProvider() };
        context.Response.Body = new MemoryStream();
        await OpenApiDocument.Get().ExecuteAsync(context);
        context.Response.Body.Position = 0;
        using var document = await JsonDocument.ParseAsync(context.Response.Body);
        Assert.Equal("3.0.3", document.RootElement.GetProperty("openapi").GetString());
        var server = document.RootElement.GetProperty("servers")[0].GetProperty("url").GetString()!.TrimEnd('/');
        return new(document.RootElement.GetProperty("paths").EnumerateObject()
            .SelectMany(path => path.Value.EnumerateObject()
                .Where(operation => operation.Name is "get" or "post" or "put" or "delete" or "patch")
                .Select(operation => $"{operation.Name.ToUpperInvariant()} {ServerOf(path.Value, server)}{path.Name}")));
    }

    private static string ServerOf(JsonElement path, string documentServer) =>
        path.TryGetProperty("servers", out var servers) ? servers[0].GetProperty("url").GetString()!.TrimEnd('/') : documentServer;

    [Fact]
    public void HostJson_NoRoutePrefix_EveryFunctionNamesItsOwn()
    {
        using var host = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "host.json")));
        Assert.Equal(string.Empty, host.RootElement.GetProperty("extensions").GetProperty("http").GetProperty("routePrefix").GetString());
        Assert.All(FunctionRoutes(), route => Assert.Matches(@"^[A-Z]+ /(api/|t/\{ticker\}$)", route));
    }

    [Fact]
    public void FunctionsAndLocalRunner_ServeTheSameRoutes() =>
        Assert.Equal(FunctionRoutes(), RunnerRoutes());

    [Fact]
    public async Task OpenApiDescription_NamesExactlyTheRoutesThatExist() =>
        Assert.Equal(FunctionRoutes(), await DocumentedRoutesAsync());

    [Fact]
    public async Task OpenApiDescription_DocumentsTheWebhookSignature()
    {
        var context = new DefaultHttpContext { RequestServices = new ServiceCollection().AddLogging().BuildServiceProvider() };
        context.Response.Body = new MemoryStream();
        await OpenApiDocument.Get().ExecuteAsync(context);
        context.Response.Body.Position = 0;
        using var document = await JsonDocument.ParseAsync(context.Response.Body);

        var scheme = document.RootElement.GetProperty("components").GetProperty("securitySchemes").GetProperty("webhookSignature");
        Assert.Equal("X-Alerts-Signature", scheme.GetProperty("name").GetString());
        Assert.Contains("HMAC-SHA256", scheme.GetProperty("description").GetString(), StringComparison.Ordinal);
        Assert.Equal("application/json", context.Response.ContentType);
    }
}
