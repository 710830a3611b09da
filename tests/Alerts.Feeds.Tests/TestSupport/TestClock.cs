namespace Alerts.Feeds.Tests.TestSupport;

/// <summary>
/// A clock whose "now" is set by the test while its timers and delays are real: the feeds' windows and the ingest see a
/// fixed date (the fixtures' day), while Polly's timeouts and retry delays really elapse (FakeTimeProvider would need
/// advancing from inside the HTTP call). Where no delay is involved, tests use FakeTimeProvider.
/// </summary>
internal sealed class TestClock(DateTimeOffset now) : TimeProvider
{
    /// <summary>The fixtures' day: 2025-12-02 16:00 UTC, after every fixture record.</summary>
    public static readonly DateTimeOffset FixtureNow = new(2025, 12, 2, 16, 0, 0, TimeSpan.Zero);

    public DateTimeOffset Now { get; set; } = now;

    public TestClock()
        : this(FixtureNow)
    {
    }

    public override DateTimeOffset GetUtcNow() => Now;
}
