using System.Net.Http.Headers;
using Alerts.Core.Securities;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Alerts.Infrastructure.Securities;

/// <summary>
/// Downloads the SEC's listing file, checks it (<see cref="SecListingsFile"/>: JSON of the right shape, enough rows) and
/// swaps it into the <see cref="SecuritiesMaster"/>. Anything else (an error status, an HTML page, an empty or cut-off
/// body, a timeout) leaves the master as it was and says why. Never calls without a contact address in the User-Agent.
/// The last good file is kept in memory only: a restart begins again from the embedded file until the next refresh.
/// </summary>
public sealed partial class SecuritiesRefresher(
    HttpClient client,
    SecuritiesMaster master,
    IOptions<SecuritiesOptions> options,
    TimeProvider time,
    ILogger<SecuritiesRefresher> logger)
{
    /// <summary>An answer larger than this is refused (the file is about 0.5 MB).</summary>
    public const int MaxResponseBytes = 32 * 1024 * 1024;

    /// <summary>The name of the HttpClient the refresher uses.</summary>
    public const string ClientName = "sec";

    public async Task<SecuritiesRefreshResult> RefreshAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (!SecuritiesOptions.HasContact(settings.UserAgent))
        {
            LogNoContact();
            return SecuritiesRefreshResult.Kept("Securities:UserAgent names no contact address; the SEC was not called");
        }

        var result = await DownloadAsync(settings, cancellationToken);
        if (result.Replaced)
        {
            LogReplaced(result.Rows, settings.Url);
        }
        else
        {
            LogKept(settings.Url, result.Problem!, master.Source);
        }

        return result;
    }

    private async Task<SecuritiesRefreshResult> DownloadAsync(SecuritiesOptions settings, CancellationToken cancellationToken)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(settings.TimeoutSeconds), time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, settings.Url);
            request.Headers.TryAddWithoutValidation("User-Agent", settings.UserAgent);
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token);
            if (!response.IsSuccessStatusCode)
            {
                return SecuritiesRefreshResult.Kept($"HTTP {(int)response.StatusCode}");
            }

            if (response.Content.Headers.ContentLength > MaxResponseBytes)
            {
                return SecuritiesRefreshResult.Kept($"answer larger than {MaxResponseBytes} bytes");
            }

            await using var body = await response.Content.ReadAsStreamAsync(linked.Token);
            using var buffer = new MemoryStream();
            var chunk = new byte[81920];
            int read;
            while ((read = await body.ReadAsync(chunk, linked.Token)) > 0)
            {
                if (buffer.Length + read > MaxResponseBytes)
                {
                    return SecuritiesRefreshResult.Kept($"answer larger than {MaxResponseBytes} bytes");
                }

                buffer.Write(chunk, 0, read);
            }

            if (!SecListingsFile.TryParse(buffer.GetBuffer().AsSpan(0, (int)buffer.Length), settings.MinimumRows, out var rows, out var problem))
            {
                return SecuritiesRefreshResult.Kept(problem);
            }

            master.Replace(rows, settings.Url, time.GetUtcNow());
            return new SecuritiesRefreshResult(true, rows.Count, null);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return SecuritiesRefreshResult.Kept($"no answer within {settings.TimeoutSeconds} s");
        }
        catch (HttpRequestException e)
        {
            return SecuritiesRefreshResult.Kept($"request failed: {e.Message}");
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Securities refresh skipped: Securities__UserAgent names no contact address, which the SEC requires")]
    private partial void LogNoContact();

    [LoggerMessage(Level = LogLevel.Information, Message = "Securities master refreshed: {Rows} listings from {Url}")]
    private partial void LogReplaced(int rows, string url);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Securities refresh from {Url} refused ({Problem}); the master keeps its listings from {Source}")]
    private partial void LogKept(string url, string problem, string source);
}
