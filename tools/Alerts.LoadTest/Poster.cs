using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Alerts.Core.Security;

namespace Alerts.LoadTest;

/// <summary>
/// Builds, signs and posts rating changes, and registers every acknowledged change with the <see cref="AlertTracker"/>.
/// Every change is new: its target is unique in the run (so its content id is too) and its tickers are the run's own.
/// No sender <c>id</c> is sent, so each change is stored as two rows (a log row and a content key row), the shape the
/// baseline writes.
/// </summary>
internal sealed class Poster(HttpClient http, Uri baseUrl, string secret, IReadOnlyList<string> tickers, AlertTracker tracker)
{
    private const decimal FromTarget = 500m;
    private readonly Uri _ratings = new(baseUrl, "/api/ratings");
    private long _sequence;

    /// <summary>Posts one body of <paramref name="changes"/> changes; records the ack (or the error) in <paramref name="scenario"/>.</summary>
    public async Task PostAsync(ScenarioStats scenario, int changes, CancellationToken cancellationToken)
    {
        var body = Body(changes);
        var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        using var request = new HttpRequestMessage(HttpMethod.Post, _ratings)
        {
            Content = new ByteArrayContent(body) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } },
        };
        request.Headers.TryAddWithoutValidation(WebhookSignature.HeaderName, WebhookSignature.Sign(secret, timestamp, body));
        scenario.Request();
        var started = Clock.Now;
        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
            var acked = Clock.Now;
            if (response.StatusCode != HttpStatusCode.Accepted)
            {
                scenario.Error($"HTTP {(int)response.StatusCode}");
                return;
            }

            var json = await response.Content.ReadAsByteArrayAsync(cancellationToken);
            Register(scenario, json, started, acked);
        }
        catch (HttpRequestException ex)
        {
            scenario.Error(ex.HttpRequestError.ToString());
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            scenario.Error("timeout");
        }
    }

    private void Register(ScenarioStats scenario, byte[] json, long started, long acked)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        var accepted = root.GetProperty("accepted").GetInt32();
        var duplicates = root.GetProperty("duplicates").GetInt32();
        scenario.Ok(acked, Clock.Ms(started, acked), accepted, duplicates);
        foreach (var change in root.GetProperty("changes").EnumerateArray())
        {
            if (change.TryGetProperty("duplicate", out var duplicate) && duplicate.ValueKind == JsonValueKind.True)
            {
                continue;
            }

            tracker.Expect(scenario, change.GetProperty("id").GetString()!, change.GetProperty("ticker").GetString()!, change.GetProperty("toTarget").GetDecimal(), started, acked);
        }
    }

    private byte[] Body(int changes)
    {
        var firstSequence = Interlocked.Add(ref _sequence, changes) - changes;
        var json = new StringBuilder(changes * 220);
        if (changes > 1)
        {
            json.Append('[');
        }

        for (var i = 0; i < changes; i++)
        {
            var sequence = firstSequence + i;
            var ticker = tickers[(int)(sequence % tickers.Count)];
            if (i > 0)
            {
                json.Append(',');
            }

            json.Append(CultureInfo.InvariantCulture,
                $$"""{"ticker":"{{ticker}}","company":"Load Test {{ticker}}","firm":"J.P. Morgan","fromRating":"Neutral","toRating":"Overweight","fromTarget":{{FromTarget}},"toTarget":{{1000 + sequence}},"source":"loadtest"}""");
        }

        if (changes > 1)
        {
            json.Append(']');
        }

        return Encoding.UTF8.GetBytes(json.ToString());
    }
}
