namespace Alerts.Infrastructure.Feeds;

/// <summary>
/// A source's request budget: at most <c>perMinute</c> requests in any minute and <c>perDay</c> in a day, spread evenly.
/// Two token buckets: the minute's holds a minute's requests; the day's holds an hour's share of the day's requests and
/// refills at <c>perDay</c> / 86,400 a second, so a 250-a-day plan makes a request about every 6 minutes rather than 250
/// at once and then nothing. Kept in memory: a restart starts with full buckets (at most an hour's share more in that day).
/// </summary>
internal sealed class RequestBudget
{
    private readonly TimeProvider _time;
    private readonly Bucket _minute;
    private readonly Bucket _day;
    private readonly Lock _gate = new();

    public RequestBudget(int perMinute, int perDay, TimeProvider time)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(perMinute, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(perDay, 1);
        _time = time;
        PerMinute = perMinute;
        PerDay = perDay;
        var now = time.GetUtcNow();
        _minute = new Bucket(perMinute, perMinute / 60.0, now);
        _day = new Bucket(Math.Max(1, perDay / 24.0), perDay / 86_400.0, now);
    }

    public int PerMinute { get; }

    public int PerDay { get; }

    /// <summary>Takes one request from both buckets, or none and false when either is empty.</summary>
    public bool TryTake()
    {
        lock (_gate)
        {
            var now = _time.GetUtcNow();
            _minute.Refill(now);
            _day.Refill(now);
            if (_minute.Tokens < 1 || _day.Tokens < 1)
            {
                return false;
            }

            _minute.Tokens--;
            _day.Tokens--;
            return true;
        }
    }

    private sealed class Bucket(double capacity, double perSecond, DateTimeOffset now)
    {
        private readonly double _capacity = capacity;
        private DateTimeOffset _refilledAt = now;

        public double Tokens { get; set; } = capacity;

        public void Refill(DateTimeOffset now)
        {
            var seconds = (now - _refilledAt).TotalSeconds;
            if (seconds > 0)
            {
                Tokens = Math.Min(_capacity, Tokens + (seconds * perSecond));
                _refilledAt = now;
            }
        }
    }
}
