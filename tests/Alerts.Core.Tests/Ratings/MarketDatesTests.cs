using Alerts.Core.Ratings;

namespace Alerts.Core.Tests.Ratings;

public class MarketDatesTests
{
    [Theory]
    [InlineData("2024-01-10", "2024-01-10T21:00:00Z")] // EST
    [InlineData("2019-08-20", "2019-08-20T20:00:00Z")] // EDT
    [InlineData("2023-03-12", "2023-03-12T20:00:00Z")] // the spring change's day
    [InlineData("2023-11-05", "2023-11-05T21:00:00Z")] // the autumn change's day
    public void SortInstant_Date_IsThatDaysNewYorkClose(string date, string expected) =>
        Assert.Equal(
            DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture),
            MarketDates.SortInstant(DateOnly.Parse(date, System.Globalization.CultureInfo.InvariantCulture)));

    [Fact]
    public void SortInstant_DateOnlyAndTimedOfOneDay_SortAfterTheDaysTimedChangesAndBeforeTheNextDays()
    {
        var day = new DateOnly(2024, 1, 10);
        var morning = MarketDates.FromNewYork(day, new TimeOnly(6, 51, 15));
        var nextMorning = MarketDates.FromNewYork(day.AddDays(1), new TimeOnly(6, 0));

        Assert.True(morning < MarketDates.SortInstant(day));
        Assert.True(MarketDates.SortInstant(day) < nextMorning);
        Assert.Equal(day, MarketDates.NewYorkDate(MarketDates.SortInstant(day)));
    }
}
