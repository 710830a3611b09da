using System.Collections.Concurrent;

namespace Alerts.LoadTest;

/// <summary>What one scenario measured. Thread-safe: requests and emails are recorded from many threads.</summary>
internal sealed class ScenarioStats(string name, string description, int changesPerPost)
{
    private readonly Lock _gate = new();
    private readonly List<double> _ackMs = [];
    private readonly List<double> _e2eMs = [];
    private readonly List<double> _postToEmailMs = [];
    private readonly List<(long At, int Accepted)> _acks = [];
    private readonly List<ProcessSample> _samples = [];
    private readonly List<long> _liveHeap = [];
    private readonly ConcurrentDictionary<string, int> _errors = new(StringComparer.Ordinal);
    private long _requests;
    private long _accepted;
    private long _duplicates;
    private long _alertsExpected;
    private long _alertsArrived;
    private long _arrivedBeforeAck;
    private long _alertsTwice;
    private long _firstArrival = long.MaxValue;
    private long _lastArrival;

    public string Name { get; } = name;

    public string Description { get; } = description;

    public int ChangesPerPost { get; } = changesPerPost;

    public long Started { get; private set; }

    public long Stopped { get; private set; }

    public long Drained { get; private set; }

    public long Requests => Interlocked.Read(ref _requests);

    public long Accepted => Interlocked.Read(ref _accepted);

    public long Duplicates => Interlocked.Read(ref _duplicates);

    public long AlertsExpected => Interlocked.Read(ref _alertsExpected);

    public long AlertsArrived => Interlocked.Read(ref _alertsArrived);

    public long ArrivedBeforeAck => Interlocked.Read(ref _arrivedBeforeAck);

    /// <summary>Alert emails that arrived for an alert that had already arrived: a follower told twice.</summary>
    public long AlertsTwice => Interlocked.Read(ref _alertsTwice);

    public long Errors => _errors.Values.Sum();

    public IReadOnlyDictionary<string, int> ErrorsByKind => _errors;

    /// <summary>Alerts the runner said it matched (its log) during this scenario, or null for a runner we did not start.</summary>
    public long? AlertsMatchedByRunner { get; set; }

    /// <summary>Storage responses over 3 s the runner's Azure SDK logged during this scenario (null: not our runner).</summary>
    public long? SlowStorageResponses { get; set; }

    /// <summary>Pending changes the runner's sweep fanned out during this scenario (null: not our runner).</summary>
    public long? OutboxEntriesRedriven { get; set; }

    /// <summary>With --trace-storage: the runner's storage requests during this scenario (and its drain), by kind.</summary>
    public IReadOnlyDictionary<string, long> StorageRequests { get; set; } = new Dictionary<string, long>();

    /// <summary>Requests the fixed-rate scheduler could not start on time because too many were in flight.</summary>
    public long LateStarts { get; set; }

    public double IngestSeconds => Clock.Seconds(Started, Stopped);

    public void Start() => Started = Clock.Now;

    public void Stop() => Stopped = Clock.Now;

    public void MarkDrained() => Drained = Clock.Now;

    public void Request() => Interlocked.Increment(ref _requests);

    public void Ok(long ackAt, double latencyMs, int accepted, int duplicates)
    {
        Interlocked.Add(ref _accepted, accepted);
        Interlocked.Add(ref _duplicates, duplicates);
        lock (_gate)
        {
            _ackMs.Add(latencyMs);
            _acks.Add((ackAt, accepted));
        }
    }

    public void Error(string kind) => _errors.AddOrUpdate(kind, 1, (_, n) => n + 1);

    public void AlertExpected() => Interlocked.Increment(ref _alertsExpected);

    public void AlertTwice() => Interlocked.Increment(ref _alertsTwice);

    public void AlertArrived(long sentAt, long ackAt, long arrivedAt)
    {
        Interlocked.Increment(ref _alertsArrived);
        var fromSend = Math.Max(0, Clock.Ms(sentAt, arrivedAt));
        var ms = Clock.Ms(ackAt, arrivedAt);
        if (ms < 0)
        {
            Interlocked.Increment(ref _arrivedBeforeAck);
            ms = 0;
        }

        lock (_gate)
        {
            _e2eMs.Add(ms);
            _postToEmailMs.Add(fromSend);
            _firstArrival = Math.Min(_firstArrival, arrivedAt);
            _lastArrival = Math.Max(_lastArrival, arrivedAt);
        }
    }

    public void Sample(ProcessSample sample)
    {
        lock (_gate)
        {
            _samples.Add(sample);
        }
    }

    public double AckPercentile(double p)
    {
        lock (_gate)
        {
            return Percentile(_ackMs, p);
        }
    }

    public double E2ePercentile(double p)
    {
        lock (_gate)
        {
            return Percentile(_e2eMs, p);
        }
    }

    /// <summary>From the moment the post was sent (rather than acknowledged) to the email: what a batch's sender waits.</summary>
    public double PostToEmailPercentile(double p)
    {
        lock (_gate)
        {
            return Percentile(_postToEmailMs, p);
        }
    }

    public double AckMax()
    {
        lock (_gate)
        {
            return _ackMs.Count == 0 ? double.NaN : _ackMs.Max();
        }
    }

    public double E2eMax()
    {
        lock (_gate)
        {
            return _e2eMs.Count == 0 ? double.NaN : _e2eMs.Max();
        }
    }

    /// <summary>Changes stored per second over the whole ingest window (first send to last ack).</summary>
    public double StoredPerSecond => IngestSeconds > 0 ? Accepted / IngestSeconds : double.NaN;

    /// <summary>
    /// Changes stored per second in steady state: the acks of each whole second of the run, leaving out the first and
    /// the last second (ramp-up, tail); the median of those seconds. Falls back to <see cref="StoredPerSecond"/> for
    /// runs too short to have three whole seconds.
    /// </summary>
    public double SustainedPerSecond
    {
        get
        {
            lock (_gate)
            {
                var seconds = (int)Math.Floor(IngestSeconds);
                if (seconds < 3)
                {
                    return StoredPerSecond;
                }

                var buckets = new double[seconds];
                foreach (var (at, accepted) in _acks)
                {
                    var bucket = (int)Math.Floor(Clock.Seconds(Started, at));
                    if (bucket >= 0 && bucket < seconds)
                    {
                        buckets[bucket] += accepted;
                    }
                }

                var steady = buckets[1..^1].Order().ToArray();
                return steady.Length == 0 ? StoredPerSecond : steady[steady.Length / 2];
            }
        }
    }

    /// <summary>Alerts expected from the acknowledged changes per second of the ingest window (each queued by the runner).</summary>
    public double QueuedPerSecond => IngestSeconds > 0 ? (AlertsMatchedByRunner ?? AlertsExpected) / IngestSeconds : double.NaN;

    /// <summary>Alert emails per second, from the scenario's start to its last email.</summary>
    public double SentPerSecond
    {
        get
        {
            lock (_gate)
            {
                return _alertsArrived == 0 ? double.NaN : _alertsArrived / Clock.Seconds(Started, Math.Max(_lastArrival, Started + 1));
            }
        }
    }

    public (double MinMb, double MeanMb, double MaxMb, double RunnerCpu, double AzuriteCpu, double SelfCpu, double OtherCpu) Resources()
    {
        lock (_gate)
        {
            if (_samples.Count == 0)
            {
                return (double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN);
            }

            var ws = _samples.Where(s => s.RunnerWorkingSet > 0).Select(s => s.RunnerWorkingSet / 1048576.0).ToList();
            return (
                ws.Count == 0 ? double.NaN : ws.Min(),
                ws.Count == 0 ? double.NaN : ws.Average(),
                ws.Count == 0 ? double.NaN : ws.Max(),
                Cpu(s => s.RunnerCpu),
                Cpu(s => s.AzuriteCpu),
                Cpu(s => s.SelfCpu),
                // /proc/stat counts in 10 ms ticks: a few percent either way is rounding. A process not sampled (an existing
                // runner or Azurite without its pid) counts as other.
                Math.Max(0, Cpu(s => s.MachineCpu) - Known(s => s.RunnerCpu) - Known(s => s.AzuriteCpu) - Known(s => s.SelfCpu)));
        }

        double Known(Func<ProcessSample, TimeSpan?> select) => Cpu(select) is var cpu && double.IsNaN(cpu) ? 0 : cpu;

        double Cpu(Func<ProcessSample, TimeSpan?> select)
        {
            var first = _samples.FirstOrDefault(s => select(s) is not null);
            var last = _samples.LastOrDefault(s => select(s) is not null);
            if (first is null || last is null || last.At <= first.At)
            {
                return double.NaN;
            }

            return (select(last)!.Value - select(first)!.Value).TotalSeconds / Clock.Seconds(first.At, last.At) * 100;
        }
    }

    /// <summary>True for the scenarios whose runner memory is compared by batch size: the runner's live heap is measured during them.</summary>
    public bool MeasuresLiveHeap { get; init; }

    public void SampleLiveHeap(long bytes)
    {
        lock (_gate)
        {
            _liveHeap.Add(bytes);
        }
    }

    /// <summary>The runner's live heap measured during the scenario (MB: the largest, and how many measurements); NaN when none.</summary>
    public (double MaxMb, int Measurements) LiveHeap()
    {
        lock (_gate)
        {
            return (_liveHeap.Count == 0 ? double.NaN : _liveHeap.Max() / 1048576.0, _liveHeap.Count);
        }
    }

    public string Progress()
    {
        var elapsed = Clock.Seconds(Started, Stopped > 0 ? Stopped : Clock.Now);
        var (_, _, maxMb, _, _, _, otherCpu) = Resources();
        return $"[{Name}] {elapsed,5:0.0}s  posts {Requests:N0}  changes {Accepted:N0} ({Accepted / Math.Max(elapsed, 0.001):N0}/s)  errors {Errors:N0}  " +
               $"ack p50 {AckPercentile(50):0.0} ms p99 {AckPercentile(99):0.0} ms  alerts {AlertsArrived:N0}/{AlertsExpected:N0}  " +
               $"e2e p50 {E2ePercentile(50):0} ms  runner WS max {maxMb:0} MB  other processes' CPU {otherCpu:0}%";
    }

    private static double Percentile(List<double> values, double p)
    {
        if (values.Count == 0)
        {
            return double.NaN;
        }

        var sorted = values.Order().ToArray();
        var rank = (int)Math.Ceiling(p / 100.0 * sorted.Length) - 1;
        return sorted[Math.Clamp(rank, 0, sorted.Length - 1)];
    }
}

/// <summary>One look at the runner, Azurite, this tool and the whole machine: working set and CPU time used so far.</summary>
internal sealed record ProcessSample(long At, long RunnerWorkingSet, TimeSpan? RunnerCpu, TimeSpan? AzuriteCpu, TimeSpan? SelfCpu, TimeSpan? MachineCpu);
