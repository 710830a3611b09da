using System.Text;
using Alerts.Core.Digests;
using Alerts.Core.Ratings;
using Alerts.Core.Subscriptions;

namespace Alerts.Core.Tests.Digests;

public class DeliverySettingsParsingTests
{
    private static Validated<SubscriptionUpdate> Parse(string members) =>
        SubscriptionUpdate.Parse(Encoding.UTF8.GetBytes("{\"tickers\":[\"CIFR\"]" + members + "}"), FirmDirectory.Default);

    [Fact]
    public void Parse_NoDeliveryMembers_InstantInUtc()
    {
        var delivery = Parse("").Value!.Delivery!;

        Assert.Equal(DeliverySettings.Instant, delivery);
        Assert.True(delivery.IsPlainInstant);
        Assert.Equal(TimeZoneInfo.Utc, delivery.Zone);
    }

    [Fact]
    public void Parse_EveryMember_Read()
    {
        var delivery = Parse(""","delivery":"Digest","timeZone":"Europe/Paris","digestTime":"07:30","quietHours":{"start":"22:00","end":"07:00"},"maxPerHour":10""").Value!.Delivery!;

        Assert.Equal(DeliveryMode.Digest, delivery.Mode);
        Assert.Equal("Europe/Paris", delivery.TimeZone);
        Assert.Equal(new TimeOnly(7, 30), delivery.DigestTime);
        Assert.Equal(new QuietHours(new TimeOnly(22, 0), new TimeOnly(7, 0)), delivery.QuietHours);
        Assert.Equal(10, delivery.MaxPerHour);
    }

    [Theory]
    [InlineData(""","delivery":"weekly" """, "delivery")]
    [InlineData(""","delivery":1""", "delivery")]
    [InlineData(""","timeZone":"Europe/Atlantis" """, "timeZone")]
    [InlineData(""","timeZone":"Romance Standard Time" """, "timeZone")]
    [InlineData(""","timeZone":42""", "timeZone")]
    [InlineData(""","digestTime":"24:00" """, "digestTime")]
    [InlineData(""","digestTime":"7:30" """, "digestTime")]
    [InlineData(""","digestTime":"07:30:00" """, "digestTime")]
    [InlineData(""","quietHours":"22-07" """, "quietHours")]
    [InlineData(""","quietHours":{"start":"22:00"}""", "quietHours.end")]
    [InlineData(""","quietHours":{"start":"25:00","end":"07:00"}""", "quietHours.start")]
    [InlineData(""","quietHours":{"start":"22:00","end":"22:00"}""", "quietHours.end")]
    [InlineData(""","maxPerHour":0""", "maxPerHour")]
    [InlineData(""","maxPerHour":1001""", "maxPerHour")]
    [InlineData(""","maxPerHour":2.5""", "maxPerHour")]
    [InlineData(""","maxPerHour":"10" """, "maxPerHour")]
    public void Parse_BadDeliveryMember_NamesTheField(string members, string field)
    {
        var result = Parse(members);

        Assert.False(result.IsValid);
        Assert.Contains(result.Errors, e => e.Field == field);
    }

    [Fact]
    public void Parse_QuietHoursNull_None() =>
        Assert.Null(Parse(""","quietHours":null""").Value!.Delivery!.QuietHours);
}
