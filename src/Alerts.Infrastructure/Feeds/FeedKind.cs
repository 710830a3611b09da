namespace Alerts.Infrastructure.Feeds;

/// <summary>The kinds of feed a source can be (setting <c>Feeds__Sources__N__Kind</c>).</summary>
public enum FeedKind
{
    /// <summary>Finnhub <c>/stock/upgrade-downgrade</c>: ratings, no targets.</summary>
    Finnhub,

    /// <summary>Financial Modeling Prep <c>/stable/grades</c>: ratings, no targets, a date without a time (the free plan has it).</summary>
    FmpGrades,

    /// <summary>Financial Modeling Prep <c>/stable/grades-news</c>: ratings with a time and a link to the story.</summary>
    FmpGradesNews,

    /// <summary>Financial Modeling Prep <c>/stable/price-target-news</c>: new price targets (no prior target).</summary>
    FmpPriceTargets,

    /// <summary>Benzinga <c>/api/v2.1/calendar/ratings</c> (also served by resellers in the same shape).</summary>
    Benzinga,

    /// <summary>An RSS 2.0 or Atom news feed whose items are read by the news text extractor.</summary>
    Rss,
}
