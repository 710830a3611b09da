using System.Text.RegularExpressions;
using Alerts.Core.Ingest;
using Microsoft.Extensions.Options;

namespace Alerts.Infrastructure.Feeds;

/// <summary>Refuses, at start, a feed setting that could not work, naming the setting and what is wrong with it.</summary>
internal sealed partial class FeedsOptionsValidator : IValidateOptions<FeedsOptions>
{
    public ValidateOptionsResult Validate(string? name, FeedsOptions options)
    {
        var failures = new List<string>();
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < options.Sources.Count; i++)
        {
            var source = options.Sources[i];
            var at = $"Feeds:Sources:{i}";
            if (string.IsNullOrWhiteSpace(source.Name))
            {
                failures.Add($"{at}:Name is required (e.g. finnhub-main).");
            }
            else if (!SourceName().IsMatch(source.Name))
            {
                failures.Add($"{at}:Name '{source.Name}' must be 1-63 letters, digits, '.', '-' or '_', starting with a letter or digit.");
            }
            else if (!names.Add(source.Name))
            {
                failures.Add($"{at}:Name '{source.Name}' is used by another source; names must be unique.");
            }

            if (string.IsNullOrWhiteSpace(source.Kind) || !char.IsAsciiLetter(source.Kind.Trim()[0])
                || !Enum.TryParse<FeedKind>(source.Kind, ignoreCase: true, out var kind) || !Enum.IsDefined(kind))
            {
                failures.Add($"{at}:Kind '{source.Kind}' is not one of: {string.Join(", ", Enum.GetNames<FeedKind>())}.");
                continue;
            }

            if (source.LookbackDays is < 1 or > 365)
            {
                failures.Add($"{at}:LookbackDays must be from 1 to 365.");
            }

            if (source.OverlapDays is < 1 or > 365)
            {
                failures.Add($"{at}:OverlapDays must be from 1 to 365.");
            }

            if (source.RequestsPerMinute is < 1 or > 100_000)
            {
                failures.Add($"{at}:RequestsPerMinute must be from 1 to 100000.");
            }

            if (source.RequestsPerDay is < 1 or > 10_000_000)
            {
                failures.Add($"{at}:RequestsPerDay must be from 1 to 10000000.");
            }

            if (kind == FeedKind.Rss)
            {
                if (!IsHttpUrl(source.Url))
                {
                    failures.Add($"{at}:Url is required for an Rss source and must be an absolute http or https URL.");
                }

                continue;
            }

            if (string.IsNullOrWhiteSpace(source.ApiKey))
            {
                failures.Add($"{at}:ApiKey is required for a {kind} source.");
            }

            if (source.BaseUrl is not null && !IsHttpUrl(source.BaseUrl))
            {
                failures.Add($"{at}:BaseUrl '{source.BaseUrl}' must be an absolute http or https URL.");
            }

            var symbols = source.GetSymbols();
            if (symbols.Count == 0 && kind is FeedKind.FmpGrades or FeedKind.FmpGradesNews or FeedKind.FmpPriceTargets)
            {
                failures.Add($"{at}:Symbols is required for a {kind} source: comma-separated tickers such as AAPL,MSFT.");
            }

            foreach (var symbol in symbols)
            {
                if (!Tickers.TryNormalize(symbol, out _, out var problem))
                {
                    failures.Add($"{at}:Symbols: '{symbol}' {problem}.");
                }
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static bool IsHttpUrl(string? value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps);

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$", RegexOptions.CultureInvariant)]
    private static partial Regex SourceName();
}
