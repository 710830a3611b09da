using System.Security.Cryptography;
using System.Text;
using Alerts.Infrastructure.Feeds;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Alerts.Api.Http;

/// <summary>
/// <c>POST /api/feeds/benzinga</c>: Benzinga's data webhook (see <see cref="BenzingaPushReceiver"/>). A delivery must carry
/// one of <c>Feeds__BenzingaPush__Tokens</c> (<c>?token=</c> or <c>Authorization: Bearer</c>): else 401, and Benzinga stops
/// retrying. Answers 200 with what was done; a body that is not a delivery, 400 problem details naming each problem
/// (nothing stored); storage down, 503 (Benzinga retries, nothing is lost).
/// </summary>
public sealed partial class BenzingaPushApi(BenzingaPushReceiver receiver, IOptions<BenzingaPushOptions> options, ILogger<BenzingaPushApi> logger)
{
    /// <summary>The most a push may weigh (the ratings webhook's limit).</summary>
    public const int MaxBodyBytes = 1024 * 1024;

    /// <summary>Benzinga's header naming the delivery attempt.</summary>
    public const string DeliveryHeader = "X-BZ-Delivery";

    private readonly byte[][] _tokens = options.Value.GetTokens().Select(t => SHA256.HashData(Encoding.UTF8.GetBytes(t))).ToArray();

    public async Task<IResult> PostAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (_tokens.Length == 0)
        {
            return Problems.Status(StatusCodes.Status404NotFound, "Not configured", "Benzinga's data webhook is not configured (Feeds__BenzingaPush__Tokens).");
        }

        if (!Authorized(request))
        {
            LogRefused(request.Headers[DeliveryHeader].ToString());
            return Problems.Unauthorized("A Benzinga delivery must carry a configured token (?token= or Authorization: Bearer); nothing was stored.");
        }

        var body = await RequestBody.ReadAsync(request, MaxBodyBytes, cancellationToken);
        if (body is null)
        {
            return Problems.Status(StatusCodes.Status413PayloadTooLarge, "Payload too large", $"The body may be at most {MaxBodyBytes} bytes.");
        }

        try
        {
            var result = await receiver.ReceiveAsync(body, request.Headers[DeliveryHeader].ToString() is { Length: > 0 } id ? id : null, cancellationToken);
            if (result.Errors.Count > 0)
            {
                return Problems.Validation(result.Errors);
            }

            return TypedResults.Json(new BenzingaPushResponse(result.Accepted, result.Duplicates, result.Withdrawn, result.Ignored), ApiJsonContext.Default.BenzingaPushResponse);
        }
        catch (Exception ex) when (Unavailable.IsTransient(ex) && !cancellationToken.IsCancellationRequested)
        {
            return Unavailable.Result("Storage");
        }
    }

    private bool Authorized(HttpRequest request)
    {
        var given = request.Query["token"].ToString();
        var authorization = request.Headers.Authorization.ToString();
        if (authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            given = authorization["Bearer ".Length..].Trim();
        }

        if (given.Length == 0)
        {
            return false;
        }

        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(given));
        var match = false;
        foreach (var token in _tokens)
        {
            match |= CryptographicOperations.FixedTimeEquals(hash, token);
        }

        return match;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused a Benzinga push without a valid token (delivery {Delivery})")]
    private partial void LogRefused(string delivery);
}
