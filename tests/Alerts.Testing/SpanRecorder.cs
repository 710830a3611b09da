using System.Collections.Concurrent;
using System.Diagnostics;

namespace Alerts.Testing;

/// <summary>
/// Listens to an activity source (the app's, <c>Alerts</c>, as an OpenTelemetry tracer would), so that its spans are
/// created, and keeps those that end. The source is process-wide: tests pick their spans by the trace id of a span
/// they started.
/// </summary>
public sealed class SpanRecorder : IDisposable
{
    private readonly ConcurrentQueue<Activity> _stopped = new();
    private readonly ActivityListener _listener;

    public SpanRecorder(string sourceName)
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == sourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = _stopped.Enqueue,
        };
        ActivitySource.AddActivityListener(_listener);
    }

    /// <summary>A root span to run the code under, as a server span or a timer's would be.</summary>
    public static Activity StartCaller(string? traceState = null)
    {
        var caller = new Activity("caller");
        caller.SetIdFormat(ActivityIdFormat.W3C);
        caller.TraceStateString = traceState;
        return caller.Start();
    }

    public IReadOnlyList<Activity> In(ActivityTraceId trace) => _stopped.Where(a => a.TraceId == trace).ToList();

    public void Dispose() => _listener.Dispose();
}
