using Alerts.Core;
using Alerts.Core.Delivery;
using Alerts.Core.Matching;
using Alerts.Core.Ratings;
using Alerts.Core.Security;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Options;

namespace Alerts.Benchmarks;

/// <summary>
/// Writing one alert email (<see cref="AlertEmailComposer.Compose"/>): the headline, two signed links (manage and
/// unsubscribe, an HMAC-SHA256 each), the plain-text and HTML parts, all HTML-escaped. Mean time is per email.
/// </summary>
[MemoryDiagnoser]
[MinColumn]
public class EmailCompositionBenchmarks
{
    /// <summary>Recipients per invocation (one change, as a queue message of 100 recipients carries it).</summary>
    public const int Recipients = 100;

    private AlertEmailComposer _composer = null!;
    private Links _links = null!;
    private RatingChange _change = null!;
    private AlertRecipient[] _recipients = [];

    [GlobalSetup]
    public void Setup()
    {
        var tokens = new LinkTokens(["bench-signing-key-0123456789abcdef"], TimeProvider.System);
        _links = new Links(Options.Create(new AlertsOptions { PublicBaseUrl = "https://alerts.example.com", SigningKeys = "bench-signing-key-0123456789abcdef" }), tokens);
        _composer = new AlertEmailComposer(_links, Options.Create(new EmailOptions()));
        _change = BenchData.CifrUpgrade();
        _recipients = Enumerable.Range(0, Recipients)
            .Select(i => new AlertRecipient(AlertIds.For(_change.Id, $"{i:x32}"), $"{i:x32}", $"user{i}@example.com"))
            .ToArray();
    }

    /// <summary>One alert email, complete.</summary>
    [Benchmark(OperationsPerInvoke = Recipients)]
    public int ComposeAlertEmail()
    {
        var length = 0;
        foreach (var recipient in _recipients)
        {
            length += _composer.Compose(_change, recipient).HtmlBody.Length;
        }

        return length;
    }

    /// <summary>Its part that is the same for every recipient: the headline (subject).</summary>
    [Benchmark]
    public string Headline() => ChangeDescription.Headline(_change);

    /// <summary>Its part that differs per recipient: the two signed links.</summary>
    [Benchmark(OperationsPerInvoke = Recipients)]
    public int ManageAndUnsubscribeLinks()
    {
        var length = 0;
        foreach (var recipient in _recipients)
        {
            length += _links.Manage(recipient.SubscriptionId).Length + _links.Unsubscribe(recipient.SubscriptionId).Length;
        }

        return length;
    }
}
