using System.Diagnostics.Tracing;
using Microsoft.Diagnostics.NETCore.Client;
using Microsoft.Diagnostics.Tracing;
using Microsoft.Diagnostics.Tracing.Parsers;

namespace Alerts.LoadTest;

/// <summary>
/// Measures what the runner's heap really holds at a moment: asks its runtime for a full collection over EventPipe (the
/// <c>GCHeapCollect</c> keyword, as <c>dotnet-gcdump</c> does, without walking the heap) and reads the bytes that
/// survived it from the collection's heap statistics. The GC's own sizes between full collections count garbage not yet
/// collected in generation 2, and the working set counts memory the GC keeps committed; this is the memory the program
/// holds on to. It costs the runner one blocking full collection (tens of milliseconds here).
/// </summary>
internal static class RunnerLiveHeap
{
    private const string RuntimeProvider = "Microsoft-Windows-DotNETRuntime";

    /// <summary>Bytes live after an induced full collection of <paramref name="pid"/>, or null when it cannot be measured.</summary>
    public static async Task<long?> MeasureAsync(int pid, TimeSpan timeout)
    {
        EventPipeSession session;
        try
        {
            var provider = new EventPipeProvider(
                RuntimeProvider,
                EventLevel.Informational,
                (long)(ClrTraceEventParser.Keywords.GC | ClrTraceEventParser.Keywords.GCHeapCollect));
            session = new DiagnosticsClient(pid).StartEventPipeSession(provider, requestRundown: false, circularBufferMB: 16);
        }
        catch (Exception ex) when (ex is ServerNotAvailableException or UnsupportedCommandException or TimeoutException or IOException or UnauthorizedAccessException)
        {
            return null;
        }

        var live = new TaskCompletionSource<long?>(TaskCreationOptions.RunContinuationsAsynchronously);
        var reader = new Thread(() => Read(session, live)) { IsBackground = true, Name = "runner live heap" };
        reader.Start();
        try
        {
            return await live.Task.WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            return null;
        }
        finally
        {
            try
            {
                session.Stop();
            }
            catch (Exception ex) when (ex is ServerNotAvailableException or IOException or TimeoutException or ObjectDisposedException)
            {
                // The runner has stopped.
            }

            reader.Join(TimeSpan.FromSeconds(5));
            session.Dispose();
        }
    }

    private static void Read(EventPipeSession session, TaskCompletionSource<long?> live)
    {
        try
        {
            using var source = new EventPipeEventSource(session.EventStream);
            var fullCollection = false;
            source.Clr.GCStart += start => fullCollection = start.Depth == 2;
            source.Clr.GCHeapStats += stats =>
            {
                if (fullCollection)
                {
                    // After a full collection everything that survived was promoted out of its generation.
                    live.TrySetResult(stats.TotalPromoted);
                }
            };
            source.Process();
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or EndOfStreamException or InvalidOperationException)
        {
            // The session ended (the runner stopped, or we did).
        }

        live.TrySetResult(null);
    }
}
