using Alerts.Core.Digests;

namespace Alerts.Core.Tests.Digests;

public class DeliveryPolicyTests
{
    private static readonly DeliverySettings Paris = new() { TimeZone = "Europe/Paris" };
    private static readonly DeliverySettings NewYork = new() { TimeZone = "America/New_York" };

    private static DateTimeOffset Utc(int y, int mo, int d, int h, int mi) => new(y, mo, d, h, mi, 0, TimeSpan.Zero);

    private static DateTimeOffset? HoldUntil(DeliverySettings settings, DateTimeOffset now, int sentThisHour = 0) =>
        DeliveryPolicy.Decide(settings, now, sentThisHour).HoldUntil;

    [Fact]
    public void Decide_InstantWithoutQuietHoursOrCap_SendsNow() =>
        Assert.True(DeliveryPolicy.Decide(DeliverySettings.Instant, Utc(2026, 1, 15, 3, 0), 500).IsSendNow);

    [Fact]
    public void Decide_DigestLaterToday_HeldUntilTodaysDigestTime()
    {
        // 06:00 in Paris (winter, UTC+1); digest at 07:30 local = 06:30 UTC.
        var digest = Paris with { Mode = DeliveryMode.Digest, DigestTime = new TimeOnly(7, 30) };
        Assert.Equal(Utc(2026, 1, 15, 6, 30), HoldUntil(digest, Utc(2026, 1, 15, 5, 0)));
    }

    [Fact]
    public void Decide_DigestTimePassedToday_HeldUntilTomorrow()
    {
        var digest = Paris with { Mode = DeliveryMode.Digest, DigestTime = new TimeOnly(7, 30) };
        Assert.Equal(Utc(2026, 1, 16, 6, 30), HoldUntil(digest, Utc(2026, 1, 15, 10, 0)));
        Assert.Equal(Utc(2026, 1, 16, 6, 30), HoldUntil(digest, Utc(2026, 1, 15, 6, 30))); // at the digest itself: the next one
    }

    [Fact]
    public void Decide_DigestAcrossSpringForward_SameLocalTimeNewOffset()
    {
        // New York moves to EDT (UTC-4) on 2026-03-08: 07:30 local is 12:30 UTC the day before and 11:30 UTC that day.
        var digest = NewYork with { Mode = DeliveryMode.Digest, DigestTime = new TimeOnly(7, 30) };
        Assert.Equal(Utc(2026, 3, 7, 12, 30), HoldUntil(digest, Utc(2026, 3, 7, 3, 0)));
        Assert.Equal(Utc(2026, 3, 8, 11, 30), HoldUntil(digest, Utc(2026, 3, 7, 13, 0)));
    }

    [Theory]
    [InlineData("Europe/Paris", 2026, 3, 29, 1, 0)]     // 02:30 skipped (02:00 CET -> 03:00 CEST): 03:00 CEST = 01:00 UTC
    [InlineData("America/New_York", 2026, 3, 8, 7, 0)]  // 02:30 skipped (02:00 EST -> 03:00 EDT): 03:00 EDT = 07:00 UTC
    public void Decide_DigestTimeSkippedByDst_TheInstantOfTheJump(string zone, int y, int mo, int d, int h, int mi)
    {
        var digest = new DeliverySettings { TimeZone = zone, Mode = DeliveryMode.Digest, DigestTime = new TimeOnly(2, 30) };
        Assert.Equal(Utc(y, mo, d, h, mi), HoldUntil(digest, Utc(y, mo, d, 0, 0).AddHours(-12)));
    }

    [Theory]
    [InlineData("Europe/Paris", 2026, 10, 25, 2, 30, 0, 30)]     // 02:30 twice (CEST then CET): the first, 00:30 UTC
    [InlineData("America/New_York", 2026, 11, 1, 1, 30, 5, 30)]  // 01:30 twice (EDT then EST): the first, 05:30 UTC
    public void Decide_DigestTimeRepeatedByDst_TheFirstOfTheTwo(string zone, int y, int mo, int d, int lh, int lm, int h, int mi)
    {
        var digest = new DeliverySettings { TimeZone = zone, Mode = DeliveryMode.Digest, DigestTime = new TimeOnly(lh, lm) };
        var first = Utc(y, mo, d, h, mi);
        Assert.Equal(first, HoldUntil(digest, Utc(y, mo, d, 0, 0).AddHours(-12)));

        // Between the two: the second is not another digest; the next is a day later.
        Assert.True(HoldUntil(digest, first.AddMinutes(30)) > first.AddHours(20));
    }

    [Theory]
    [InlineData(22, 30, true)]   // 23:30 Paris: quiet
    [InlineData(2, 0, true)]     // 03:00
    [InlineData(5, 59, true)]    // 06:59
    [InlineData(6, 0, false)]    // 07:00: the end is not quiet
    [InlineData(12, 0, false)]
    [InlineData(20, 59, false)]  // 21:59
    [InlineData(21, 0, true)]    // 22:00: the start is quiet
    public void Decide_QuietHoursAcrossMidnight_HeldOnlyInside(int utcHour, int utcMinute, bool held)
    {
        var quiet = Paris with { QuietHours = new QuietHours(new TimeOnly(22, 0), new TimeOnly(7, 0)) };
        Assert.Equal(held, !DeliveryPolicy.Decide(quiet, Utc(2026, 1, 15, utcHour, utcMinute), 0).IsSendNow);
    }

    [Fact]
    public void Decide_InQuietHours_HeldUntilTheyEnd()
    {
        var quiet = Paris with { QuietHours = new QuietHours(new TimeOnly(22, 0), new TimeOnly(7, 0)) };
        Assert.Equal(Utc(2026, 1, 16, 6, 0), HoldUntil(quiet, Utc(2026, 1, 15, 22, 30))); // 23:30 -> 07:00 next day
        Assert.Equal(Utc(2026, 1, 16, 6, 0), HoldUntil(quiet, Utc(2026, 1, 16, 2, 0)));   // 03:00 -> 07:00 same day
    }

    [Fact]
    public void Decide_QuietHoursWithinADay_HeldUntilTheyEnd()
    {
        var lunch = NewYork with { QuietHours = new QuietHours(new TimeOnly(12, 0), new TimeOnly(13, 30)) };
        Assert.Equal(Utc(2026, 1, 15, 18, 30), HoldUntil(lunch, Utc(2026, 1, 15, 17, 15))); // 12:15 EST -> 13:30 EST
        Assert.Null(HoldUntil(lunch, Utc(2026, 1, 15, 18, 30)));
    }

    [Fact]
    public void Decide_UnderTheCap_SendsNow_AtTheCap_HeldUntilTheNextClockHour()
    {
        var capped = Paris with { MaxPerHour = 10 };
        Assert.Null(HoldUntil(capped, Utc(2026, 1, 15, 10, 20), sentThisHour: 9));
        Assert.Equal(Utc(2026, 1, 15, 11, 0), HoldUntil(capped, Utc(2026, 1, 15, 10, 20), sentThisHour: 10));
    }

    [Fact]
    public void Decide_CapInAHalfHourZone_TheLocalClockHour()
    {
        // Kolkata is UTC+5:30: 10:20 UTC is 15:50 there, and the next local hour (16:00) is 10:30 UTC.
        var capped = new DeliverySettings { TimeZone = "Asia/Kolkata", MaxPerHour = 1 };
        Assert.Equal(Utc(2026, 1, 15, 10, 30), HoldUntil(capped, Utc(2026, 1, 15, 10, 20), sentThisHour: 1));
        Assert.Equal(Utc(2026, 1, 15, 9, 30), DeliveryPolicy.HourStart(capped, Utc(2026, 1, 15, 10, 20))); // 15:00 there
    }

    [Fact]
    public void Decide_CapRollsOverIntoQuietHours_HeldUntilTheQuietEnd()
    {
        // 21:30 Paris, the cap reached; 22:00 is quiet until 07:00: the overflow waits for 07:00.
        var settings = Paris with { MaxPerHour = 2, QuietHours = new QuietHours(new TimeOnly(22, 0), new TimeOnly(7, 0)) };
        Assert.Equal(Utc(2026, 1, 16, 6, 0), HoldUntil(settings, Utc(2026, 1, 15, 20, 30), sentThisHour: 2));
    }

    [Fact]
    public void Decide_DigestTimeInQuietHours_MovedToTheirEnd()
    {
        var settings = Paris with { Mode = DeliveryMode.Digest, DigestTime = new TimeOnly(6, 0), QuietHours = new QuietHours(new TimeOnly(22, 0), new TimeOnly(7, 0)) };
        Assert.Equal(Utc(2026, 1, 16, 6, 0), HoldUntil(settings, Utc(2026, 1, 15, 12, 0)));
    }

    [Fact]
    public void HourStart_HourRepeatedByDst_TwoSeparateHours()
    {
        // New York, 2026-11-01: 01:00-02:00 happens in EDT (05:00-06:00 UTC) and again in EST (06:00-07:00 UTC).
        var capped = NewYork with { MaxPerHour = 1 };
        Assert.Equal(Utc(2026, 11, 1, 5, 0), DeliveryPolicy.HourStart(capped, Utc(2026, 11, 1, 5, 30)));
        Assert.Equal(Utc(2026, 11, 1, 6, 0), DeliveryPolicy.HourStart(capped, Utc(2026, 11, 1, 6, 30)));
    }

    [Fact]
    public void Hold_RoundsUpToTheMinute()
    {
        Assert.Equal(Utc(2026, 1, 15, 10, 1), DeliveryDecision.Hold(Utc(2026, 1, 15, 10, 0).AddSeconds(1)).HoldUntil);
        Assert.Equal(Utc(2026, 1, 15, 10, 0), DeliveryDecision.Hold(Utc(2026, 1, 15, 10, 0)).HoldUntil);
    }

    [Theory]
    [InlineData("Europe/Paris", true)]
    [InlineData("America/New_York", true)]
    [InlineData("UTC", true)]
    [InlineData("Mars/Olympus_Mons", false)]
    [InlineData("", false)]
    [InlineData("../../etc/passwd", false)]
    public void TimeZones_IsValid_OnlyKnownIanaZones(string id, bool valid) => Assert.Equal(valid, TimeZones.IsValid(id));
}
