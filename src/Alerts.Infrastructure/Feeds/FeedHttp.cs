using System.Net;
using System.Net.Http.Headers;
using Alerts.Core.Feeds;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace Alerts.Infrastructure.Feeds;

/// <summary>
/// GETs of one source, through its one long-lived <see cref="HttpClient"/> and a Polly pipeline: each attempt has a
/// timeout (headers and body); timeouts, connection failures, 408, 429 and 5xx are retried with exponential backoff and
/// jitter, honouring <c>Retry-After</c> up to <see cref="FeedsOptions.MaxRetryAfterSeconds"/>. A provider that asks to be
/// left alone for longer is not called again before the time it asked for. Nothing here logs a query string: it holds the key.
/// </summary>
internal sealed partial class FeedHttp
{
    /// <summary>A feed answer larger than this is refused as malformed.</summary>
    public const int MaxResponseBytes = 16 * 1024 * 1024;

    private const int ErrorSnippetLength = 200;

    private readonly HttpClient _client;
    private readonly string _source;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly TimeSpan _timeout;
    private readonly TimeSpan _maxRetryAfter;
    private readonly int _maxRetries;
    private readonly ResiliencePipeline<FeedResponse> _pipeline;
    private readonly TimeSpan _accessDeniedRetry;
    private DateTimeOffset _notBefore = DateTimeOffset.MinValue;
    private FeedAccessDeniedException? _denied;

    public FeedHttp(HttpClient client, string source, FeedsOptions options, TimeProvider time, ILogger<FeedHttp> logger)
    {
        _client = client;
        _source = source;
        _time = time;
        _logger = logger;
        _timeout = TimeSpan.FromSeconds(options.RequestTimeoutSeconds);
        _maxRetryAfter = TimeSpan.FromSeconds(options.MaxRetryAfterSeconds);
        _maxRetries = options.MaxRetries;
        _accessDeniedRetry = TimeSpan.FromHours(options.AccessDeniedRetryHours);

        var builder = new ResiliencePipelineBuilder<FeedResponse> { TimeProvider = time };
        if (options.MaxRetries > 0)
        {
            builder.AddRetry(new RetryStrategyOptions<FeedResponse>
            {
                MaxRetryAttempts = options.MaxRetries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = TimeSpan.FromSeconds(options.RetryDelaySeconds),
                MaxDelay = TimeSpan.FromSeconds(30),
                ShouldHandle = args => ValueTask.FromResult(ShouldRetry(args.Outcome)),
                DelayGenerator = args => ValueTask.FromResult(args.Outcome.Result?.RetryAfter is { } wait && wait >= TimeSpan.Zero ? wait : (TimeSpan?)null),
                OnRetry = args =>
                {
                    LogRetrying(_source, Describe(args.Outcome), args.AttemptNumber + 1, _maxRetries, args.RetryDelay.TotalSeconds);
                    return default;
                },
            });
        }

        builder.AddTimeout(_timeout);
        _pipeline = builder.Build();
    }

    /// <summary>The body of a successful answer to GET <paramref name="uri"/>; throws <see cref="FeedUnavailableException"/> otherwise.</summary>
    public async Task<byte[]> GetAsync(Uri uri, string accept, CancellationToken cancellationToken)
    {
        var endpoint = uri.GetLeftPart(UriPartial.Path);
        var now = _time.GetUtcNow();
        if (_denied is { } denied && now < denied.RetryAt)
        {
            throw new FeedAccessDeniedException(denied.Message, denied.Status, denied.RetryAt, repeated: true);
        }

        if (now < _notBefore)
        {
            throw new FeedUnavailableException($"{endpoint} asked not to be called before {_notBefore:O} (Retry-After); not called");
        }

        FeedResponse response;
        try
        {
            response = await _pipeline.ExecuteAsync(
                static (state, token) => state.Self.SendOnceAsync(state.Uri, state.Accept, token),
                (Self: this, Uri: uri, Accept: accept),
                cancellationToken);
        }
        catch (TimeoutRejectedException ex)
        {
            throw new FeedUnavailableException($"{endpoint} did not answer within {_timeout.TotalSeconds:0.###} s, {_maxRetries + 1} attempts", ex);
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException)
        {
            throw new FeedUnavailableException($"{endpoint} could not be read after {_maxRetries + 1} attempts: {ex.Message}", ex);
        }

        if (response.Body is { } body)
        {
            _denied = null;
            return body;
        }

        if ((int)response.Status is 401 or 402 or 403)
        {
            var retryAt = _time.GetUtcNow() + _accessDeniedRetry;
            var repeated = _denied is not null;
            _denied = new FeedAccessDeniedException(AccessDeniedReason(endpoint, response), (int)response.Status, retryAt, repeated);
            throw _denied;
        }

        _denied = null;
        if (response.RetryAfter is { } retryAfter && retryAfter > _maxRetryAfter)
        {
            _notBefore = _time.GetUtcNow() + retryAfter;
            throw new FeedUnavailableException(
                $"{endpoint} answered {(int)response.Status} and asked to wait {retryAfter.TotalSeconds:0} s (more than the {_maxRetryAfter.TotalSeconds:0} s waited within a poll); not called again before {_notBefore:O}");
        }

        throw new FeedUnavailableException($"{endpoint} answered {(int)response.Status} {response.Status}{(response.ErrorSnippet is { Length: > 0 } s ? ": " + s : string.Empty)}");
    }

    /// <summary>What a 401, 402 or 403 means for the user, with the provider's own words (never the key).</summary>
    private static string AccessDeniedReason(string endpoint, FeedResponse response)
    {
        var meaning = (int)response.Status switch
        {
            401 => "the API key was refused (missing, wrong or revoked)",
            402 => "this endpoint needs a paid plan",
            _ => "this endpoint needs a paid plan, or the key is not entitled to it",
        };
        var said = response.ErrorSnippet is { Length: > 0 } snippet ? $" (the provider said: {snippet})" : string.Empty;
        return $"{endpoint} answered {(int)response.Status}: {meaning}{said}";
    }

    private async ValueTask<FeedResponse> SendOnceAsync(Uri uri, string accept, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, uri);
        request.Headers.Accept.ParseAdd(accept);
        using var response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        var retryAfter = RetryAfter(response.Headers.RetryAfter);
        if (!response.IsSuccessStatusCode)
        {
            return new FeedResponse(response.StatusCode, retryAfter, null, await ReadSnippetAsync(response.Content, cancellationToken));
        }

        return new FeedResponse(response.StatusCode, retryAfter, await ReadLimitedAsync(response.Content, uri, cancellationToken), null);
    }

    private bool ShouldRetry(Outcome<FeedResponse> outcome)
    {
        if (outcome.Exception is { } exception)
        {
            return exception is HttpRequestException or IOException or TimeoutRejectedException;
        }

        var response = outcome.Result!;
        if (response.Body is not null)
        {
            return false;
        }

        var status = (int)response.Status;
        var transient = status is 408 or 429 or >= 500;
        return transient && !(response.RetryAfter is { } wait && wait > _maxRetryAfter);
    }

    private TimeSpan? RetryAfter(RetryConditionHeaderValue? header)
    {
        if (header?.Delta is { } delta)
        {
            return delta;
        }

        if (header?.Date is { } date)
        {
            var wait = date - _time.GetUtcNow();
            return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
        }

        return null;
    }

    private static async Task<byte[]> ReadLimitedAsync(HttpContent content, Uri uri, CancellationToken cancellationToken)
    {
        if (content.Headers.ContentLength is > MaxResponseBytes)
        {
            throw new FeedFormatException($"{uri.GetLeftPart(UriPartial.Path)} answered {content.Headers.ContentLength} bytes, more than the {MaxResponseBytes} read from a feed");
        }

        await using var stream = await content.ReadAsStreamAsync(cancellationToken);
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await stream.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > MaxResponseBytes)
            {
                throw new FeedFormatException($"{uri.GetLeftPart(UriPartial.Path)} answered more than the {MaxResponseBytes} bytes read from a feed");
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    private static async Task<string?> ReadSnippetAsync(HttpContent content, CancellationToken cancellationToken)
    {
        try
        {
            await using var stream = await content.ReadAsStreamAsync(cancellationToken);
            var bytes = new byte[ErrorSnippetLength * 4];
            var total = 0;
            int read;
            while (total < bytes.Length && (read = await stream.ReadAsync(bytes.AsMemory(total), cancellationToken)) > 0)
            {
                total += read;
            }

            var text = System.Text.Encoding.UTF8.GetString(bytes, 0, total);
            var flat = string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
            flat = new string(flat.Where(c => !char.IsControl(c)).ToArray());
            return flat.Length <= ErrorSnippetLength ? flat : flat[..ErrorSnippetLength] + "...";
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException)
        {
            return null;
        }
    }

    private static string Describe(Outcome<FeedResponse> outcome) =>
        outcome.Exception switch
        {
            TimeoutRejectedException => "timed out",
            { } ex => ex.GetType().Name + ": " + ex.Message,
            null => $"answered {(int)outcome.Result!.Status}" + (outcome.Result.RetryAfter is { } wait ? $" (Retry-After {wait.TotalSeconds:0.###} s)" : string.Empty),
        };

    [LoggerMessage(Level = LogLevel.Warning, Message = "Feed {Source}: the request {Reason}; retry {Attempt} of {MaxRetries} in {DelaySeconds:0.###} s")]
    private partial void LogRetrying(string source, string reason, int attempt, int maxRetries, double delaySeconds);

    /// <summary>One attempt's answer: the body of a success, or the status (and Retry-After) of a failure.</summary>
    private sealed record FeedResponse(HttpStatusCode Status, TimeSpan? RetryAfter, byte[]? Body, string? ErrorSnippet);
}
