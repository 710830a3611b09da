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
    [InlineData("2025-12-02", "07:05:12", "2025-12-02T12:05:12Z")] // EST
    [InlineData("2025-07-01", "09:30:00", "2025-07-01T13:30:00Z")] // EDT
    [InlineData("2025-12-02", "", "2025-12-02T05:00:00Z")]
    public void Eastern_BenzingaDateAndTime_AreNewYorkClock(string date, string time, string expected) =>
        Assert.Equal(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), FeedDates.Eastern(date, time));

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
