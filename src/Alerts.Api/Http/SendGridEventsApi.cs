using Alerts.Core.Delivery;
using Alerts.Core.Security;
using Alerts.Infrastructure.Email;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Alerts.Api.Http;

/// <summary>
/// <c>POST /api/sendgrid/events</c>: SendGrid's signed Event Webhook. Bounces, drops, spam reports and unsubscribes
/// suppress the address, so that no further email goes to it. Unsigned or forged posts change nothing.
/// </summary>
public sealed partial class SendGridEventsApi : IDisposable
{
    /// <summary>SendGrid batches events; a batch is well under this.</summary>
    public const int MaxBodyBytes = 4 * 1024 * 1024;

    private readonly EmailEventProcessor _processor;
    private readonly TimeProvider _time;
    private readonly ILogger<SendGridEventsApi> _logger;
    private readonly SendGridEventSignature? _signature;

    public SendGridEventsApi(EmailEventProcessor processor, IOptions<SendGridOptions> options, TimeProvider time, ILogger<SendGridEventsApi> logger)
    {
        _processor = processor;
        _time = time;
        _logger = logger;
        var key = options.Value.EventWebhookPublicKey;
        _signature = string.IsNullOrWhiteSpace(key) ? null : new SendGridEventSignature(key);
    }

    public async Task<IResult> PostAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (_signature is null)
        {
            return Problems.Status(StatusCodes.Status404NotFound, "Not configured", "The SendGrid event webhook is not configured (SendGrid__EventWebhookPublicKey).");
        }

        var body = await RequestBody.ReadAsync(request, MaxBodyBytes, cancellationToken);
        if (body is null)
        {
            return Problems.Status(StatusCodes.Status413PayloadTooLarge, "Payload too large", $"The body may be at most {MaxBodyBytes} bytes.");
        }

        var check = _signature.Verify(
            request.Headers[SendGridEventSignature.SignatureHeader],
            request.Headers[SendGridEventSignature.TimestampHeader],
            body,
            _time.GetUtcNow());
        if (check != SignatureCheck.Valid)
        {
            LogRefused(check);
            return Problems.Unauthorized($"The event webhook signature is {check.ToString().ToLowerInvariant()}; nothing was changed.");
        }

        var events = EmailEventProcessor.Parse(body);
        if (events is null)
        {
            return Problems.Status(StatusCodes.Status400BadRequest, "The request is invalid", "The body must be a JSON array of SendGrid events.");
        }

        try
        {
            var suppressed = await _processor.ProcessAsync(events, cancellationToken);
            LogProcessed(events.Count, suppressed);
        }
        catch (Exception ex) when (Unavailable.IsTransient(ex) && !cancellationToken.IsCancellationRequested)
        {
            // SendGrid retries on failure: nothing is lost by answering 503.
            return Unavailable.Result("Storage");
        }

        return TypedResults.NoContent();
    }

    public void Dispose() => _signature?.Dispose();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused a SendGrid event post: signature {Check}")]
    private partial void LogRefused(SignatureCheck check);

    [LoggerMessage(Level = LogLevel.Information, Message = "SendGrid events: {Count} received, {Suppressed} suppressed an address")]
    private partial void LogProcessed(int count, int suppressed);
}
