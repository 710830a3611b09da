using System.Globalization;
using System.Text;
using Alerts.Core;
using Alerts.Core.Diagnostics;
using Alerts.Core.Ingest;
using Alerts.Core.Ratings;
using Alerts.Core.Extraction;
using Alerts.Core.Security;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Alerts.Api.Http;

/// <summary>
/// <c>POST /api/ratings</c> (the signed webhook) and <c>GET /api/ratings</c> (history). The HTTP concerns live
/// here: size limits, the signature, content types, problem details. The work is <see cref="RatingIngestService"/>'s.
/// </summary>
public sealed partial class RatingsApi(
    RatingIngestService ingest,
    NewsTextExtractor extractor,
    IRatingChangeStore store,
    IOptionsMonitor<WebhookOptions> webhook,
    TimeProvider time,
    ILogger<RatingsApi> logger)
{
    public async Task<IResult> PostAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var body = await RequestBody.ReadAsync(request, IngestLimits.MaxBodyBytes, cancellationToken);
        if (body is null)
        {
            return Problems.Status(StatusCodes.Status413PayloadTooLarge, "Payload too large", $"The body may be at most {IngestLimits.MaxBodyBytes} bytes (1 MiB); nothing was stored.");
        }

        var check = WebhookSignature.Verify(request.Headers[WebhookSignature.HeaderName], PathAndQueryAsSent(request), body, webhook.CurrentValue.SecretList, time.GetUtcNow(), out var signedAt);
        if (check != SignatureCheck.Valid)
        {
            LogRefused(check);
            return Problems.Unauthorized(check switch
            {
                SignatureCheck.Missing => $"The {WebhookSignature.HeaderName} header is missing; nothing was stored.",
                SignatureCheck.Malformed => $"The {WebhookSignature.HeaderName} header must read t=<unix seconds>,v1=<hex HMAC-SHA256>; nothing was stored.",
                SignatureCheck.Expired => $"The signature's timestamp is more than {WebhookSignature.Tolerance.TotalSeconds:0} seconds from now; sign again; nothing was stored.",
                SignatureCheck.QueryNotSigned => "A request with a query string must be signed with v2=<hex HMAC-SHA256(secret, \"<t>.<path and query as sent>.<body>\")>; nothing was stored.",
                _ => "The signature does not match the body with any configured secret; nothing was stored.",
            });
        }

        var dryRun = string.Equals(request.Query["dryRun"], "true", StringComparison.OrdinalIgnoreCase);
        Validated<IReadOnlyList<RatingChangeSubmission>> parsed;

        // Text only: the changes it states that could not be completed (answered, counted, never stored).
        IReadOnlyList<UnresolvedChangeView>? unresolved = null;
        try
        {
            switch (RequestBody.MediaType(request))
            {
                case null or "application/json" or "text/json":
                    parsed = RatingChangeParser.ParseJson(body, time);
                    break;
                case "application/x-ndjson" or "application/ndjson" or "application/jsonl" or "application/x-jsonlines":
                    parsed = RatingChangeParser.ParseNdjson(body, time);
                    break;
                case "text/plain":
                    parsed = ReadNewsText(request, body, signedAt, dryRun, out unresolved);
                    break;
                case var other:
                    return Problems.Status(StatusCodes.Status415UnsupportedMediaType, "Unsupported media type", $"'{RatingChangeParser.Shorten(other)}' is not read here: send application/json or application/x-ndjson. Nothing was stored.");
            }
        }
        catch (TooManyChangesException ex)
        {
            return Problems.Status(StatusCodes.Status413PayloadTooLarge, "Too many changes", ex.Message + " Nothing was stored.");
        }

        if (!parsed.IsValid)
        {
            return Problems.Validation(parsed.Errors);
        }

        // A change without publishedAt is dated by its signature, not by its arrival: the content id holds the day, so a
        // replay of the same signed request (which must carry the same t) is the same change, even across midnight UTC.
        parsed = Validated<IReadOnlyList<RatingChangeSubmission>>.Ok(
            parsed.Value!.Select(s => s.PublishedAt is null ? s with { PublishedAt = signedAt } : s).ToList());

        if (parsed.Value!.Count == 0)
        {
            // News text that states no rating change: nothing to store, and nothing guessed.
            var message = unresolved is { Count: > 0 }
                ? $"No complete rating change was found in the text; {unresolved.Count} could not be completed (see unresolved). Nothing was stored."
                : "No rating change was found in the text.";
            return TypedResults.Json(
                new IngestResponse(0, 0, dryRun, [], message, unresolved),
                ApiJsonContext.Default.IngestResponse,
                statusCode: StatusCodes.Status202Accepted);
        }

        IngestResult result;
        try
        {
            // Answered once stored and its fan-out message queued: the alerts are matched and queued by the fan-out step.
            result = await ingest.IngestAsync(parsed.Value!, dryRun, cancellationToken);
        }
        catch (Exception ex) when (Unavailable.IsTransient(ex) && !cancellationToken.IsCancellationRequested)
        {
            LogStorageUnavailable(ex);
            return Unavailable.Result("Storage");
        }

        LogIngested(result.Accepted, result.Duplicates, result.FanningOut, dryRun);
        return TypedResults.Json(IngestResponse.From(result, dryRun, unresolved), ApiJsonContext.Default.IngestResponse, statusCode: StatusCodes.Status202Accepted);
    }

    public async Task<IResult> GetAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var errors = new List<ValidationError>();
        if (!Tickers.TryNormalize(request.Query["ticker"], out var ticker, out var tickerProblem))
        {
            errors.Add(new ValidationError(null, "ticker", tickerProblem!));
        }

        DateTimeOffset? since = null;
        var sinceText = request.Query["since"].ToString();
        if (sinceText.Length > 0)
        {
            if (RatingChangeParser.TryParseIsoDate(sinceText, out var parsedSince))
            {
                since = parsedSince;
            }
            else
            {
                errors.Add(new ValidationError(null, "since", "must be an ISO 8601 date or date and time such as 2025-12-01T00:00:00Z"));
            }
        }

        var limit = IngestLimits.DefaultHistoryLimit;
        var limitText = request.Query["limit"].ToString();
        if (limitText.Length > 0
            && (!int.TryParse(limitText, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit < 1 || limit > IngestLimits.MaxHistoryLimit))
        {
            errors.Add(new ValidationError(null, "limit", $"must be a whole number from 1 to {IngestLimits.MaxHistoryLimit}"));
        }

        if (errors.Count > 0)
        {
            return Problems.Validation(errors);
        }

        IReadOnlyList<RatingChange> changes;
        try
        {
            changes = await store.GetHistoryAsync(ticker, since, limit, cancellationToken);
        }
        catch (Exception ex) when (Unavailable.IsTransient(ex) && !cancellationToken.IsCancellationRequested)
        {
            LogStorageUnavailable(ex);
            return Unavailable.Result("Storage");
        }

        return TypedResults.Json(
            new HistoryResponse(ticker, changes.Count, changes.Select(c => RatingChangeView.From(c)).ToList()),
            ApiJsonContext.Default.HistoryResponse);
    }

    /// <summary>
    /// A headline or a whole article, UTF-8: the extractor reads its rating changes, each carrying its sentence; each is then
    /// checked by the same rules as posted JSON. <c>?source=</c> and <c>?url=</c> name where the text came from. The changes
    /// it states but could not complete come out in <paramref name="unresolved"/> (empty when there are none; null when the
    /// body is no text).
    /// </summary>
    private Validated<IReadOnlyList<RatingChangeSubmission>> ReadNewsText(
        HttpRequest request, byte[] body, DateTimeOffset signedAt, bool dryRun, out IReadOnlyList<UnresolvedChangeView>? unresolved)
    {
        unresolved = null;
        string text;
        try
        {
            text = StrictUtf8.GetString(body);
        }
        catch (DecoderFallbackException)
        {
            return Validated<IReadOnlyList<RatingChangeSubmission>>.Invalid([new ValidationError(null, "body", "is not UTF-8 text")]);
        }

        // Zero-width and bidirectional characters are read as if absent ("down\u200Bgrades" is "downgrades").
        text = UntrustedText.StripInvisible(text);
        if (text.Contains('\0', StringComparison.Ordinal))
        {
            return Validated<IReadOnlyList<RatingChangeSubmission>>.Invalid([new ValidationError(null, "body", "is binary, not text")]);
        }

        var source = request.Query["source"].ToString();
        var url = request.Query["url"].ToString();
        var read = extractor.Read(text.TrimStart('\uFEFF'), publishedAt: signedAt, source: source.Length == 0 ? null : source, url: url.Length == 0 ? null : url);
        AlertsTelemetry.UnresolvedInText(read.Unresolved, AlertsTelemetry.WebhookOrigin, dryRun);
        unresolved = read.Unresolved.Take(IngestLimits.MaxChanges).Select(UnresolvedChangeView.From).ToList();
        var extracted = read.Changes;
        var submissions = new List<RatingChangeSubmission>(extracted.Count);
        for (var i = 0; i < extracted.Count && i < IngestLimits.MaxChanges; i++)
        {
            // What the extractor read is held to the rules of posted JSON; a reading that breaks them is left out, not stored half-right.
            if (SubmissionRules.Check(extracted[i], time, out var problem) is { } valid)
            {
                submissions.Add(valid);
            }
            else
            {
                LogExtractedChangeRefused(RatingChangeParser.Shorten(extracted[i].Sentence ?? string.Empty), problem);
            }
        }

        return Validated<IReadOnlyList<RatingChangeSubmission>>.Ok(submissions);
    }

    /// <summary>
    /// The request target as the client sent it (what <c>v2</c> signs): the server's raw target when it keeps one, else the
    /// path and the query string as received.
    /// </summary>
    private static string PathAndQueryAsSent(HttpRequest request)
    {
        var raw = request.HttpContext.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpRequestFeature>()?.RawTarget;
        return !string.IsNullOrEmpty(raw) && raw.StartsWith('/')
            ? raw
            : request.PathBase.Add(request.Path).ToUriComponent() + request.QueryString.ToUriComponent();
    }

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A change read from \"{Sentence}\" breaks the contract's rules and was left out: {Problem}")]
    private partial void LogExtractedChangeRefused(string sentence, string? problem);

    [LoggerMessage(Level = LogLevel.Error, Message = "Storage is unavailable")]
    private partial void LogStorageUnavailable(Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused a post to /api/ratings: signature {Check}")]
    private partial void LogRefused(SignatureCheck check);

    [LoggerMessage(Level = LogLevel.Information, Message = "Ingested {Accepted} changes ({Duplicates} duplicates), {FanningOut} changes queued for their fan-out, dry run {DryRun}")]
    private partial void LogIngested(int accepted, int duplicates, int fanningOut, bool dryRun);
}
