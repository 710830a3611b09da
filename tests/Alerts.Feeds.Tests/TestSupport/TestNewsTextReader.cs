using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using Alerts.Core.Feeds;
using Alerts.Core.Ratings;

namespace Alerts.Feeds.Tests.TestSupport;

/// <summary>
/// A deliberately trivial stand-in for the news text extractor: reads "Firm upgrades|downgrades|initiates Company (TICKER)
/// to|at Rating [from Rating]" at the start of the text, and records every text it was given. A text containing "BOOM" throws.
/// </summary>
internal sealed partial class TestNewsTextReader : INewsTextReader
{
    private readonly ConcurrentQueue<(string Text, DateTimeOffset? PublishedAt, string? Url)> _calls = new();

    public IReadOnlyList<(string Text, DateTimeOffset? PublishedAt, string? Url)> Calls => [.. _calls];

    public IReadOnlyList<RatingChangeSubmission> Read(string text, DateTimeOffset? publishedAt, string? url, string feedName)
    {
        _calls.Enqueue((text, publishedAt, url));
        if (text.Contains("BOOM", StringComparison.Ordinal))
        {
            throw new InvalidOperationException("the reader failed on purpose");
        }

        var match = Headline().Match(text);
        if (!match.Success)
        {
            return [];
        }

        return
        [
            new RatingChangeSubmission
            {
                Firm = match.Groups["firm"].Value,
                Ticker = match.Groups["ticker"].Value,
                Company = match.Groups["company"].Value,
                Action = match.Groups["verb"].Value switch
                {
                    "upgrades" => RatingAction.Upgrade,
                    "downgrades" => RatingAction.Downgrade,
                    _ => RatingAction.Initiate,
                },
                ToRating = match.Groups["to"].Value,
                FromRating = match.Groups["from"].Success ? match.Groups["from"].Value : null,
            },
        ];
    }

    [GeneratedRegex(@"^(?<firm>[A-Z][\w.&' -]*?) (?<verb>upgrades|downgrades|initiates) (?<company>[\w.&' -]+?) \((?<ticker>[A-Z][A-Z0-9.\-]{0,11})\) (?:to|at) (?<to>[A-Za-z][\w-]*(?: [A-Z][\w-]*)*?)(?: from (?<from>[A-Za-z][\w-]*(?: [A-Z][\w-]*)*?))?(?=[,.;\n]|$)", RegexOptions.CultureInvariant)]
    private static partial Regex Headline();
}
