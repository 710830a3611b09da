using System.ComponentModel.DataAnnotations;
using Alerts.Core.Securities;

namespace Alerts.Infrastructure.Securities;

/// <summary>The daily refresh of the securities master from the SEC (section <c>Securities</c>).</summary>
public sealed class SecuritiesOptions
{
    public const string SectionName = "Securities";

    /// <summary>The SEC's live file of listed companies with their tickers and exchanges.</summary>
    public const string SecUrl = "https://www.sec.gov/files/company_tickers_exchange.json";

    /// <summary>
    /// Whether the master is refreshed from <see cref="Url"/> (once a day in Azure, <c>SECURITIES_SCHEDULE</c>; every
    /// <see cref="RefreshIntervalHours"/> in the local runner). Default false: the embedded file is used.
    /// </summary>
    public bool RefreshEnabled { get; set; }

    /// <summary>
    /// The User-Agent sent to the SEC, which asks automated clients to name themselves and a contact address
    /// ("Acme Alerts ops@acme.example"). Required when <see cref="RefreshEnabled"/>: without it the SEC is not called.
    /// </summary>
    public string? UserAgent { get; set; }

    /// <summary>Where the file is read. Default <see cref="SecUrl"/>.</summary>
    [Url]
    public string Url { get; set; } = SecUrl;

    /// <summary>An answer with fewer usable rows is refused (the SEC's file holds about 10,000). Default 5,000.</summary>
    [Range(1, 1_000_000)]
    public int MinimumRows { get; set; } = SecListingsFile.MinimumRows;

    /// <summary>Time allowed for the whole download. Default 60 seconds.</summary>
    [Range(1, 600)]
    public int TimeoutSeconds { get; set; } = 60;

    /// <summary>The local runner's interval between refreshes (Azure uses <c>SECURITIES_SCHEDULE</c>). Default 24 hours.</summary>
    [Range(1, 24 * 30)]
    public int RefreshIntervalHours { get; set; } = 24;

    /// <summary>True when <paramref name="userAgent"/> carries a contact address (something@domain.tld).</summary>
    public static bool HasContact(string? userAgent)
    {
        if (string.IsNullOrWhiteSpace(userAgent))
        {
            return false;
        }

        foreach (var part in userAgent.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var at = part.IndexOf('@');
            if (at > 0 && part.IndexOf('.', at) > at + 1 && part[^1] != '.')
            {
                return true;
            }
        }

        return false;
    }
}
