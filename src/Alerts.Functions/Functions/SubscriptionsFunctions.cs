using Alerts.Api.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;

namespace Alerts.Functions.Functions;

/// <summary>The subscription routes and the pages behind the links in emails: triggers only, the work is <see cref="SubscriptionsApi"/>'s.</summary>
public sealed class SubscriptionsFunctions(SubscriptionsApi subscriptions)
{
    [Function("CreateSubscription")]
    public Task<IResult> CreateAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/subscriptions")] HttpRequest request,
        CancellationToken cancellationToken) => subscriptions.CreateAsync(request, cancellationToken);

    [Function("GetSubscription")]
    public Task<IResult> GetAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/subscriptions/{id}")] HttpRequest request,
        string id,
        CancellationToken cancellationToken) => subscriptions.GetAsync(request, id, cancellationToken);

    [Function("UpdateSubscription")]
    public Task<IResult> UpdateAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "api/subscriptions/{id}")] HttpRequest request,
        string id,
        CancellationToken cancellationToken) => subscriptions.UpdateAsync(request, id, cancellationToken);

    [Function("DeleteSubscription")]
    public Task<IResult> DeleteAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "api/subscriptions/{id}")] HttpRequest request,
        string id,
        CancellationToken cancellationToken) => subscriptions.DeleteAsync(request, id, cancellationToken);

    [Function("ConfirmSubscriptionPage")]
    public IResult ConfirmPage(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/subscriptions/{id}/confirm")] HttpRequest request,
        string id) => subscriptions.ConfirmPage(request, id);

    [Function("ConfirmSubscription")]
    public Task<IResult> ConfirmAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/subscriptions/{id}/confirm")] HttpRequest request,
        string id,
        CancellationToken cancellationToken) => subscriptions.ConfirmAsync(request, id, cancellationToken);

    [Function("UnsubscribePage")]
    public IResult UnsubscribePage(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/subscriptions/{id}/unsubscribe")] HttpRequest request,
        string id) => subscriptions.UnsubscribePage(request, id);

    [Function("Unsubscribe")]
    public Task<IResult> UnsubscribeAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/subscriptions/{id}/unsubscribe")] HttpRequest request,
        string id,
        CancellationToken cancellationToken) => subscriptions.UnsubscribeAsync(request, id, cancellationToken);

    [Function("ManageSubscriptionPage")]
    public Task<IResult> ManagePage(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/subscriptions/{id}/manage")] HttpRequest request,
        string id,
        CancellationToken cancellationToken) => subscriptions.ManagePage(request, id, cancellationToken);
}
