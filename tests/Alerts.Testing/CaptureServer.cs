using System.Diagnostics;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace Alerts.Testing;

/// <summary>One HTTP request received by a <see cref="CaptureServer"/>.</summary>
public sealed class CapturedRequest
{
    /// <summary>e.g. "POST".</summary>
    public required string Method { get; init; }

    /// <summary>Request path, e.g. "/v3/mail/send" (no query).</summary>
    public required string Path { get; init; }

    /// <summary>Raw query string including the leading '?', or "" if none.</summary>
    public required string QueryString { get; init; }

    /// <summary>Decoded query parameters; repeated keys are joined with ",".</summary>
    public required IReadOnlyDictionary<string, string> Query { get; init; }

    /// <summary>Request headers (case-insensitive names); repeated headers are joined with ",".</summary>
    public required IReadOnlyDictionary<string, string> Headers { get; init; }

    /// <summary>The request body decoded as UTF-8 ("" if none).</summary>
    public required string Body { get; init; }

    public required DateTimeOffset ReceivedAt { get; init; }

    /// <summary>The value of a header (case-insensitive), or null.</summary>
    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;

    public override string ToString() => $"{Method} {Path}{QueryString} ({Body.Length} chars body)";
}

/// <summary>
/// A real HTTP server (Kestrel) on http://127.0.0.1:&lt;free port&gt; that records every request and answers with a
/// configurable responder (default: 202 with an empty body, like SendGrid's /v3/mail/send).
/// Use as a SendGrid stand-in (<c>SendGridClientOptions.Host = BaseUrl</c>) or as a feed server.
/// </summary>
public sealed class CaptureServer : IAsyncDisposable
{
    private readonly object _gate = new();
    private readonly List<CapturedRequest> _requests = [];
    private TaskCompletionSource _changed = NewSignal();
    private Func<CapturedRequest, (int Status, string? Body, IDictionary<string, string>? Headers)> _responder;
    private WebApplication? _app;
    private int _disposed;

    private CaptureServer(Func<CapturedRequest, (int Status, string? Body, IDictionary<string, string>? Headers)>? responder)
    {
        _responder = responder ?? DefaultResponder;
    }

    /// <summary>Answers 202 Accepted with an empty body.</summary>
    public static Func<CapturedRequest, (int Status, string? Body, IDictionary<string, string>? Headers)> DefaultResponder { get; } =
        _ => (StatusCodes.Status202Accepted, null, null);

    /// <summary>"http://127.0.0.1:PORT" (no trailing slash).</summary>
    public string BaseUrl { get; private set; } = "";

    public int Port { get; private set; }

    /// <summary>Snapshot of all requests received so far, in arrival order.</summary>
    public IReadOnlyList<CapturedRequest> Requests
    {
        get
        {
            lock (_gate)
            {
                return [.. _requests];
            }
        }
    }

    /// <summary>Starts the server on a free port of 127.0.0.1.</summary>
    public static async Task<CaptureServer> StartAsync(
        Func<CapturedRequest, (int Status, string? Body, IDictionary<string, string>? Headers)>? responder = null,
        CancellationToken cancellationToken = default)
    {
        var server = new CaptureServer(responder);
        try
        {
            await server.StartCoreAsync(cancellationToken).ConfigureAwait(false);
            return server;
        }
        catch
        {
            await server.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Replaces the responder used for subsequent requests. If the responder throws, the request (already recorded)
    /// is answered with 500 and the exception text.
    /// </summary>
    public void SetResponder(Func<CapturedRequest, (int Status, string? Body, IDictionary<string, string>? Headers)> responder)
    {
        ArgumentNullException.ThrowIfNull(responder);
        Volatile.Write(ref _responder, responder);
    }

    /// <summary>Forgets all requests received so far.</summary>
    public void Clear()
    {
        lock (_gate)
        {
            _requests.Clear();
        }
    }

    /// <summary>
    /// Waits until at least <paramref name="count"/> requests have been received in total and returns a snapshot of all of them.
    /// Throws <see cref="TimeoutException"/> listing what was received if the count is not reached in time.
    /// </summary>
    public Task<IReadOnlyList<CapturedRequest>> WaitForRequestsAsync(int count, TimeSpan timeout, CancellationToken cancellationToken = default) =>
        WaitForRequestsAsync(static _ => true, count, timeout, cancellationToken);

    /// <summary>
    /// Waits until at least <paramref name="count"/> requests matching <paramref name="predicate"/> have been received and
    /// returns a snapshot of all matching requests.
    /// </summary>
    public async Task<IReadOnlyList<CapturedRequest>> WaitForRequestsAsync(
        Func<CapturedRequest, bool> predicate, int count, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(predicate);
        ArgumentOutOfRangeException.ThrowIfNegative(count);

        var stopwatch = Stopwatch.StartNew();
        while (true)
        {
            Task changed;
            List<CapturedRequest> all;
            lock (_gate)
            {
                all = [.. _requests];
                changed = _changed.Task;
            }

            var matching = all.Where(predicate).ToList();
            if (matching.Count >= count)
            {
                return matching;
            }

            var remaining = timeout - stopwatch.Elapsed;
            if (remaining <= TimeSpan.Zero)
            {
                var received = all.Count == 0
                    ? "none"
                    : string.Join("; ", all.Select(r => r.ToString()));
                throw new TimeoutException(
                    $"Expected at least {count} matching request(s) at {BaseUrl} within {timeout.TotalSeconds:0.0} s, " +
                    $"but {matching.Count} matched. Received {all.Count} request(s): {received}");
            }

            try
            {
                await changed.WaitAsync(remaining, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                // loop once more to build the message from the final state
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        if (_app is { } app)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            try
            {
                await app.StopAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // shutting down anyway
            }

            await app.DisposeAsync().ConfigureAwait(false);
        }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private async Task StartCoreAsync(CancellationToken cancellationToken)
    {
        // Empty builder: no config files, no environment variables, no logging providers, no console noise.
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions
        {
            ApplicationName = typeof(CaptureServer).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.WebHost.UseKestrelCore();
        builder.WebHost.ConfigureKestrel(options =>
        {
            options.AddServerHeader = false;
            options.Listen(IPAddress.Loopback, 0);
        });

        var app = builder.Build();
        app.Run(HandleAsync);
        _app = app;

        await app.StartAsync(cancellationToken).ConfigureAwait(false);

        var address = app.Urls.FirstOrDefault()
            ?? throw new InvalidOperationException("Kestrel did not report the address it is listening on.");
        Port = new Uri(address).Port;
        BaseUrl = $"http://127.0.0.1:{Port}";
    }

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        string body;
        using (var reader = new StreamReader(request.Body, Encoding.UTF8, detectEncodingFromByteOrderMarks: false))
        {
            body = await reader.ReadToEndAsync(context.RequestAborted).ConfigureAwait(false);
        }

        var captured = new CapturedRequest
        {
            Method = request.Method,
            Path = $"{request.PathBase}{request.Path}",
            QueryString = request.QueryString.Value ?? "",
            Query = request.Query.ToDictionary(q => q.Key, q => q.Value.ToString(), StringComparer.Ordinal),
            Headers = request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase),
            Body = body,
            ReceivedAt = DateTimeOffset.UtcNow,
        };

        lock (_gate)
        {
            _requests.Add(captured);
            var changed = _changed;
            _changed = NewSignal();
            changed.TrySetResult();
        }

        int status;
        string? responseBody;
        IDictionary<string, string>? headers;
        try
        {
            (status, responseBody, headers) = Volatile.Read(ref _responder)(captured);
        }
        catch (Exception ex)
        {
            (status, responseBody, headers) = (StatusCodes.Status500InternalServerError, $"CaptureServer responder threw: {ex}", null);
        }

        context.Response.StatusCode = status;
        if (headers is not null)
        {
            foreach (var (name, value) in headers)
            {
                context.Response.Headers[name] = value;
            }
        }

        if (!string.IsNullOrEmpty(responseBody))
        {
            await context.Response.WriteAsync(responseBody, Encoding.UTF8, context.RequestAborted).ConfigureAwait(false);
        }
    }
}
