using Alerts.Api.Http;
using Alerts.Api.Pages;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Alerts.Api;

/// <summary>
/// The HTTP routes for a plain ASP.NET Core host (the local runner). The Functions app declares the same routes
/// as HTTP-triggered functions in <c>src/Alerts.Functions/Functions</c>; both call the same handlers.
/// </summary>
public static class AlertsEndpointRouteBuilderExtensions
{
    public static IEndpointRouteBuilder MapAlertsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api");

        var ratings = api.MapGroup("/ratings");
        ratings.MapPost(string.Empty, (HttpRequest request, RatingsApi handler, CancellationToken ct) => handler.PostAsync(request, ct));
        ratings.MapGet(string.Empty, (HttpRequest request, RatingsApi handler, CancellationToken ct) => handler.GetAsync(request, ct));

        var subscriptions = api.MapGroup("/subscriptions");
        subscriptions.MapPost(string.Empty, (HttpRequest request, SubscriptionsApi handler, CancellationToken ct) => handler.CreateAsync(request, ct));
        subscriptions.MapGet("/{id}", (HttpRequest request, string id, SubscriptionsApi handler, CancellationToken ct) => handler.GetAsync(request, id, ct));
        subscriptions.MapPut("/{id}", (HttpRequest request, string id, SubscriptionsApi handler, CancellationToken ct) => handler.UpdateAsync(request, id, ct));
        subscriptions.MapDelete("/{id}", (HttpRequest request, string id, SubscriptionsApi handler, CancellationToken ct) => handler.DeleteAsync(request, id, ct));
        subscriptions.MapGet("/{id}/confirm", (HttpRequest request, string id, SubscriptionsApi handler) => handler.ConfirmPage(request, id));
        subscriptions.MapPost("/{id}/confirm", (HttpRequest request, string id, SubscriptionsApi handler, CancellationToken ct) => handler.ConfirmAsync(request, id, ct));
        subscriptions.MapGet("/{id}/unsubscribe", (HttpRequest request, string id, SubscriptionsApi handler) => handler.UnsubscribePage(request, id));
        subscriptions.MapPost("/{id}/unsubscribe", (HttpRequest request, string id, SubscriptionsApi handler, CancellationToken ct) => handler.UnsubscribeAsync(request, id, ct));
        subscriptions.MapGet("/{id}/manage", (HttpRequest request, string id, SubscriptionsApi handler, CancellationToken ct) => handler.ManagePage(request, id, ct));
        api.MapGet("/assets/{name}", (HttpRequest request, string name) => StaticAssets.Get(request, name));
        api.MapPost("/feeds/benzinga", (HttpRequest request, BenzingaPushApi handler, CancellationToken ct) => handler.PostAsync(request, ct));
        api.MapPost("/sendgrid/events", (HttpRequest request, SendGridEventsApi handler, CancellationToken ct) => handler.PostAsync(request, ct));
        api.MapGet("/health", (HttpRequest request, HealthApi handler, CancellationToken ct) => handler.GetAsync(request, ct));
        api.MapGet("/openapi.json", () => Alerts.Api.OpenApi.OpenApiDocument.Get());

        var admin = api.MapGroup("/ops");
        admin.MapGet("/subscribers", (HttpRequest request, AdminApi handler, CancellationToken ct) => handler.ListSubscribersAsync(request, ct));
        admin.MapGet("/dead-letters", (HttpRequest request, AdminApi handler, CancellationToken ct) => handler.ListDeadLettersAsync(request, ct));
        admin.MapPost("/dead-letters/replay", (HttpRequest request, AdminApi handler, CancellationToken ct) => handler.ReplayDeadLettersAsync(request, ct));

        // The ticker's public page, outside /api: a page for people, linked from every alert and digest.
        app.MapGet("/t/{ticker}", (HttpRequest request, string ticker, TickerPageApi handler, CancellationToken ct) => handler.GetAsync(request, ticker, ct));
        return app;
    }
}
