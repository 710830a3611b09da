using Alerts.Infrastructure.Feeds;

namespace Alerts.Feeds.Tests.Mapping;

public sealed class FeedDatesTests
{
    [Theory]
    [InlineData("Tue, 02 Dec 2025 13:30:00 GMT", "2025-12-02T13:30:00Z")]
    [InlineData("Tue, 02 Dec 2025 08:15:00 -0500", "2025-12-02T13:15:00Z")]
    [InlineData("Tue, 2 Dec 2025 06:00 EST", "2025-12-02T11:00:00Z")]
    [InlineData("02 Dec 25 13:30:00 +0100", "2025-12-02T12:30:00Z")]
    [InlineData("Wed, 02 Jul 2025 09:30:00 EDT", "2025-07-02T13:30:00Z")]
    [InlineData("2025-12-02T09:10:00-05:00", "2025-12-02T14:10:00Z")]
    [InlineData("2025-12-02T14:00:00Z", "2025-12-02T14:00:00Z")]
    public void TryParseFeedDate_RssAndAtomForms_ReadAsUtc(string text, string expected)
    {
        Assert.True(FeedDates.TryParseFeedDate(text, out var value));
        Assert.Equal(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), value);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("yesterday")]
    [InlineData("Tue, 02 Dec 2025 13:30:00 XYZT")]
    [InlineData("12/02/2025")]
    public void TryParseFeedDate_Unreadable_IsFalse(string? text) => Assert.False(FeedDates.TryParseFeedDate(text, out _));

    [Theory]
    [InlineData("2024-01-10", "06:51:15", "2024-01-10T11:51:15Z")] // EST, the first record of the recorded Benzinga answer
    [InlineData("2023-08-17", "08:33:17", "2023-08-17T12:33:17Z")] // EDT
    [InlineData("2023-03-12", "03:30:00", "2023-03-12T07:30:00Z")] // the spring change's day, after 02:00 (EDT)
    [InlineData("2023-11-05", "01:30:00", "2023-11-05T05:30:00Z")] // the autumn hour seen twice: its first (EDT) reading
    [InlineData("2023-11-05", "09:00:00", "2023-11-05T14:00:00Z")] // after the change (EST)
    public void Eastern_BenzingaDateAndTime_AreNewYorkClockWithDst(string date, string time, string expected)
    {
        var read = FeedDates.Eastern(date, time);

        Assert.Equal(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), read.PublishedAt);
        Assert.Null(read.PublishedDate);
    }

    [Theory]
    [InlineData("2024-01-10", "2024-01-10T21:00:00Z")] // EST close
    [InlineData("2023-08-17", "2023-08-17T20:00:00Z")] // EDT close
    public void Eastern_DateWithoutTime_IsKeptAsTheDateSortedAtTheNewYorkClose(string date, string sortsAt)
    {
        var read = FeedDates.Eastern(date, "");

        Assert.Equal(DateOnly.Parse(date, System.Globalization.CultureInfo.InvariantCulture), read.PublishedDate);
        Assert.Equal(DateTimeOffset.Parse(sortsAt, System.Globalization.CultureInfo.InvariantCulture), read.PublishedAt);
    }

    [Fact]
    public void UnixSecondsOrDate_FinnhubMidnightUtc_IsTheVendorDateNotTheEveningBefore()
    {
        // JPMorgan's upgrade of BYND in Finnhub's recorded sample: gradeTime 1566259200 = 2019-08-20 00:00 UTC, which as an
        // instant would be 2019-08-19 20:00 in New York.
        var read = FeedDates.UnixSecondsOrDate(1_566_259_200, "gradeTime");

        Assert.Equal(new DateOnly(2019, 8, 20), read.PublishedDate);
        Assert.Equal(new DateTimeOffset(2019, 8, 20, 20, 0, 0, TimeSpan.Zero), read.PublishedAt);
    }

    [Fact]
    public void UnixSecondsOrDate_WithATimeOfDay_IsAnInstant()
    {
        var read = FeedDates.UnixSecondsOrDate(1_566_259_200 + 3_600, "gradeTime");

        Assert.Null(read.PublishedDate);
        Assert.Equal(new DateTimeOffset(2019, 8, 20, 1, 0, 0, TimeSpan.Zero), read.PublishedAt);
    }

    [Theory]
    [InlineData("2025-01-31", "2025-01-31", null)]
    [InlineData("2025-01-21T01:24:32.000Z", null, "2025-01-21T01:24:32Z")]
    [InlineData("2025-01-21 01:24:32", null, "2025-01-21T01:24:32Z")]
    public void IsoOrDate_FmpDatesAndTimes_KeepWhatTheVendorGave(string text, string? date, string? instant)
    {
        var read = FeedDates.IsoOrDate(text, "date");

        Assert.Equal(date is null ? null : DateOnly.Parse(date, System.Globalization.CultureInfo.InvariantCulture), read.PublishedDate);
        if (instant is not null)
        {
            Assert.Equal(DateTimeOffset.Parse(instant, System.Globalization.CultureInfo.InvariantCulture), read.PublishedAt);
        }
    }

    [Fact]
    public void FromUnixSeconds_Milliseconds_AreRefused() =>
        Assert.Throws<MalformedRecordException>(() => FeedDates.FromUnixSeconds(1_764_680_700_000, "gradeTime"));

    [Fact]
    public void NewestSeenCursor_RecordDatedInTheFuture_DoesNotMoveTheCursorPastNow()
    {
        var now = new DateTimeOffset(2025, 12, 2, 16, 0, 0, TimeSpan.Zero);

        var next = NewestSeenCursor.Next("2025-12-02T10:00:00Z", now.AddHours(-6), now.AddDays(30), now);

        Assert.Equal("2025-12-02T16:00:00Z", next);
    }

    [Fact]
    public void NewestSeenCursor_OlderRecordsOnly_KeepTheCursor()
    {
        var now = new DateTimeOffset(2025, 12, 2, 16, 0, 0, TimeSpan.Zero);
        var since = NewestSeenCursor.Parse("2025-12-02T10:00:00Z");

        Assert.Equal("2025-12-02T10:00:00Z", NewestSeenCursor.Next("2025-12-02T10:00:00Z", since, now.AddHours(-12), now));
        Assert.Null(NewestSeenCursor.Parse("not a cursor"));
    }
}
