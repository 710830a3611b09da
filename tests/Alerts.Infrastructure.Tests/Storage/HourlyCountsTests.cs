using Alerts.Infrastructure.Storage;
using Alerts.Infrastructure.Tests.TestSupport;

namespace Alerts.Infrastructure.Tests.Storage;

public class HourlyCountsTests
{
    [Fact]
    public void Add_TenThousandInAnHour_StaysFarBelowAPropertysSize()
    {
        var now = TestData.Now;
        var counts = HourlyCounts.Parse(null, now);
        for (var i = 0; i < 10_000; i++)
        {
            counts = HourlyCounts.Parse(counts.ToString(), now.AddSeconds(i * 0.36));
            counts.Add(now.AddSeconds(i * 0.36));
        }

        Assert.Equal(10_000, counts.Total);
        Assert.True(counts.ToString().Length < 61 * 20, $"{counts.ToString().Length} characters"); // a property holds 32,768
    }

    [Fact]
    public void Parse_AnHourLater_DropsWhatLeftTheWindow()
    {
        var now = TestData.Now;
        var counts = HourlyCounts.Parse(null, now);
        counts.Add(now);
        counts.Add(now.AddMinutes(30));
        counts.Add(now.AddMinutes(30));

        Assert.Equal(3, HourlyCounts.Parse(counts.ToString(), now.AddMinutes(59)).Total);
        Assert.Equal(2, HourlyCounts.Parse(counts.ToString(), now.AddMinutes(61)).Total);
        Assert.Equal(0, HourlyCounts.Parse(counts.ToString(), now.AddMinutes(91)).Total);
    }

    [Fact]
    public void Parse_EntriesWrittenBeforeAsOneSecondEach_CountOneEach()
    {
        var now = TestData.Now;
        var before = string.Join(';', new[] { now.AddMinutes(-10), now.AddMinutes(-5), now.AddMinutes(-90) }.Select(t => t.ToUnixTimeSeconds()));

        var counts = HourlyCounts.Parse(before, now);
        counts.Add(now);

        Assert.Equal(3, counts.Total);
        Assert.Equal(3, HourlyCounts.Parse(counts.ToString(), now).Total);
    }
}
