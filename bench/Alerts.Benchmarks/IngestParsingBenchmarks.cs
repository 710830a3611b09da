using System.Globalization;
using System.Text;
using Alerts.Core.Ingest;
using Alerts.Core.Security;
using BenchmarkDotNet.Attributes;

namespace Alerts.Benchmarks;

/// <summary>
/// The CPU part of <c>POST /api/ratings</c> before storage: checking the webhook signature over the raw body and
/// parsing and validating the JSON. Mean time is per change (a body of <see cref="Changes"/> changes per invocation).
/// </summary>
[MemoryDiagnoser]
[MinColumn]
public class IngestParsingBenchmarks
{
    private const string Secret = "bench-webhook-secret";

    private byte[] _body = [];
    private string _header = string.Empty;
    private string[] _secrets = [];
    private DateTimeOffset _now;

    /// <summary>Changes in the body: a single change, and a 100-change batch.</summary>
    [Params(1, 100)]
    public int Changes { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var json = new StringBuilder(Changes == 1 ? string.Empty : "[");
        for (var i = 0; i < Changes; i++)
        {
            if (i > 0)
            {
                json.Append(',');
            }

            json.Append(CultureInfo.InvariantCulture,
                $$"""{"ticker":"T{{i % 50}}","company":"Company {{i}}","firm":"J.P. Morgan","analyst":"Reginald Smith","fromRating":"Neutral","toRating":"Overweight","fromTarget":{{12 + i}},"toTarget":{{18 + i}},"source":"bench","url":"https://example.com/story/{{i}}"}""");
        }

        if (Changes != 1)
        {
            json.Append(']');
        }

        _body = Encoding.UTF8.GetBytes(json.ToString());
        _now = DateTimeOffset.UtcNow;
        _header = WebhookSignature.Sign(Secret, _now.ToUnixTimeSeconds(), _body);
        _secrets = [Secret];
    }

    /// <summary>HMAC-SHA256 over the whole body (done once per request; reported per change).</summary>
    [Benchmark]
    public SignatureCheck VerifySignature() => WebhookSignature.Verify(_header, _body, _secrets, _now);

    /// <summary>Parse and validate every field of every change.</summary>
    [Benchmark]
    public int ParseAndValidate()
    {
        var parsed = RatingChangeParser.ParseJson(_body, TimeProvider.System);
        return parsed.IsValid ? parsed.Value!.Count : -1;
    }
}
