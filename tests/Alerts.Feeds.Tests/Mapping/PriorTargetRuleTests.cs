using Alerts.Core.Feeds;
using Alerts.Core.Ratings;

namespace Alerts.Feeds.Tests.Mapping;

/// <summary>The records are those of FMP's recorded price-target news; the history, Benzinga's recorded AAPL records.</summary>
public sealed class PriorTargetRuleTests
{
    private static readonly PriorTargetRule Rule = new(FirmDirectory.Default);

    private static RatingChange Stored(string firm, decimal target, string publishedAt, string? correctionOf = null) => new()
    {
        Id = Guid.NewGuid().ToString("N"),
        Ticker = "AAPL",
        Firm = firm,
        Action = RatingAction.Reiterate,
        ToTarget = target,
        Currency = "USD",
        PublishedAt = DateTimeOffset.Parse(publishedAt, System.Globalization.CultureInfo.InvariantCulture),
        ReceivedAt = DateTimeOffset.Parse(publishedAt, System.Globalization.CultureInfo.InvariantCulture),
        CorrectionOf = correctionOf,
    };

    private static RatingChangeSubmission Record(string firm, decimal target, string publishedAt, RatingAction? action = null) => new()
    {
        Ticker = "AAPL",
        Firm = firm,
        ToTarget = target,
        Action = action,
        PublishedAt = DateTimeOffset.Parse(publishedAt, System.Globalization.CultureInfo.InvariantCulture),
    };

    [Fact]
    public void Apply_FirmsEarlierTargetsInHistory_TheNewestBeforeTheRecordIsItsPrior()
    {
        var history = new[]
        {
            Stored("Wedbush", 230m, "2023-09-12T20:35:10Z"),
            Stored("Wedbush", 205m, "2023-06-06T11:48:21Z"),
            Stored("Wedbush", 240m, "2023-09-18T12:52:48Z"), // after the record: not its prior
            Stored("Needham", 195m, "2023-09-13T10:43:02Z"),
        };

        var applied = Rule.Apply([Record("Wedbush", 240m, "2023-09-18T02:36:00Z")], history);

        Assert.Equal((230m, 240m, (RatingAction?)null), (applied[0].FromTarget, applied[0].ToTarget, applied[0].Action));
    }

    [Fact]
    public void Apply_FirmNamedAnotherWay_IsTheSameFirm()
    {
        var applied = Rule.Apply([Record("J.P. Morgan", 200m, "2025-01-21T01:24:32Z")], [Stored("JPMorgan", 210m, "2023-06-02T11:31:13Z")]);

        Assert.Equal(210m, applied[0].FromTarget);
    }

    [Fact]
    public void Apply_HeadlineAction_IsKept()
    {
        var applied = Rule.Apply([Record("Jefferies", 200.75m, "2025-01-21T01:24:32Z", RatingAction.Downgrade)], [Stored("Jefferies", 210m, "2023-06-02T11:31:13Z")]);

        Assert.Equal((210m, RatingAction.Downgrade), (applied[0].FromTarget, applied[0].Action));
    }

    [Fact]
    public void Apply_TwoRecordsOfOneFirmInOnePoll_TheLaterFollowsTheEarlier()
    {
        var applied = Rule.Apply(
            [Record("Wedbush", 240m, "2023-09-18T02:36:00Z"), Record("Wedbush", 220m, "2023-06-07T12:26:58Z")],
            []);

        Assert.Equal([220m, null], applied.Select(a => a.FromTarget)); // given order kept
    }

    [Fact]
    public void Apply_NoEarlierTargetOrOnlyACorrection_LeavesThePriorUnknownAndNoActionMadeUp()
    {
        var applied = Rule.Apply(
            [Record("Needham", 195m, "2023-06-06T11:32:00Z")],
            [Stored("Wedbush", 205m, "2023-06-05T12:49:03Z"), Stored("Needham", 170m, "2023-05-01T10:00:00Z", correctionOf: "x")]);

        Assert.Null(applied[0].FromTarget);
        Assert.Null(applied[0].Action);
    }
}
