using Alerts.Api.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;

namespace Alerts.Functions.Functions;

/// <summary><c>POST /api/sendgrid/events</c>: SendGrid's signed Event Webhook (trigger only; see <see cref="SendGridEventsApi"/>).</summary>
public sealed class SendGridEventsFunction(SendGridEventsApi events)
{
    [Function("SendGridEvents")]
    public Task<IResult> PostAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/sendgrid/events")] HttpRequest request,
        CancellationToken cancellationToken) => events.PostAsync(request, cancellationToken);
}
