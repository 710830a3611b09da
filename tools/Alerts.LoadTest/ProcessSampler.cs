using System.Diagnostics;

namespace Alerts.LoadTest;

/// <summary>
/// Samples the runner's working set and the CPU time of the runner, Azurite and this tool, into the current scenario;
/// and, in scenarios that ask for it, the runner's live heap every few seconds (<see cref="RunnerLiveHeap"/>).
/// </summary>
internal sealed class ProcessSampler : IAsyncDisposable
{
    private readonly Process? _runner;
    private readonly Process? _azurite;
    private readonly Process _self = Process.GetCurrentProcess();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private readonly Task _heapLoop;
    private volatile ScenarioStats? _current;

    public ProcessSampler(int? runnerPid, int? azuritePid, TimeSpan interval, TimeSpan heapInterval)
    {
        _runner = Open(runnerPid);
        _azurite = Open(azuritePid);
        _loop = Task.Run(() => LoopAsync(interval));
        _heapLoop = _runner is null ? Task.CompletedTask : Task.Run(() => HeapLoopAsync(_runner.Id, heapInterval));
    }

    public ScenarioStats? Current
    {
        get => _current;
        set
        {
            _current = value;
            if (value is not null)
            {
                value.Sample(Take());
            }
        }
    }

    /// <summary>The runner's live heap now, in MB (one full collection of it); NaN when it cannot be measured.</summary>
    public async Task<double> RunnerLiveHeapMbNowAsync() =>
        _runner is not null && await RunnerLiveHeap.MeasureAsync(_runner.Id, TimeSpan.FromSeconds(10)) is { } bytes ? bytes / 1048576.0 : double.NaN;

    public long RunnerWorkingSetNow()
    {
        try
        {
            if (_runner is null)
            {
                return 0;
            }

            _runner.Refresh();
            return _runner.HasExited ? 0 : _runner.WorkingSet64;
        }
        catch (InvalidOperationException)
        {
            return 0;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        foreach (var loop in new[] { _loop, _heapLoop })
        {
            try
            {
                await loop;
            }
            catch (OperationCanceledException)
            {
                // stopped
            }
        }

        _runner?.Dispose();
        _azurite?.Dispose();
        _self.Dispose();
        _stop.Dispose();
    }

    private static Process? Open(int? pid)
    {
        if (pid is null)
        {
            return null;
        }

        try
        {
            return Process.GetProcessById(pid.Value);
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    private static TimeSpan? CpuOf(Process? process)
    {
        try
        {
            if (process is null)
            {
                return null;
            }

            process.Refresh();
            return process.HasExited ? null : process.TotalProcessorTime;
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary>CPU time all processes of the machine have used (Linux <c>/proc/stat</c>: all but idle and iowait), or null elsewhere.</summary>
    private static TimeSpan? MachineBusy()
    {
        try
        {
            var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields[0] != "cpu")
            {
                return null;
            }

            var ticks = fields.Skip(1).Take(8).Select(f => long.Parse(f, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
            var busy = ticks.Sum() - ticks[3] - ticks[4];
            return TimeSpan.FromSeconds(busy / 100.0); // USER_HZ is 100 on Linux
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or InvalidOperationException)
        {
            return null;
        }
    }

    private ProcessSample Take() =>
        new(Clock.Now, RunnerWorkingSetNow(), CpuOf(_runner), CpuOf(_azurite), CpuOf(_self), MachineBusy());

    /// <summary>The live heap, measured during scenarios that ask for it (each measurement is a full collection of the runner).</summary>
    private async Task HeapLoopAsync(int pid, TimeSpan interval)
    {
        using var timer = new PeriodicTimer(interval);
        while (await timer.WaitForNextTickAsync(_stop.Token))
        {
            if (_current is { MeasuresLiveHeap: true } scenario && await RunnerLiveHeap.MeasureAsync(pid, TimeSpan.FromSeconds(10)) is { } bytes
                && ReferenceEquals(scenario, _current))
            {
                scenario.SampleLiveHeap(bytes);
            }
        }
    }

    private async Task LoopAsync(TimeSpan interval)
    {
        using var timer = new PeriodicTimer(interval);
        while (await timer.WaitForNextTickAsync(_stop.Token))
        {
            _current?.Sample(Take());
        }
    }
}
