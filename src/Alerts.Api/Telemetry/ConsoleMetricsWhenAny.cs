using OpenTelemetry;
using OpenTelemetry.Metrics;

namespace Alerts.Api.Telemetry;

/// <summary>
/// Hands the console exporter a reading only when something was counted since the last one (the reader is delta), so an
/// idle runner prints nothing.
/// </summary>
internal sealed class ConsoleMetricsWhenAny(BaseExporter<Metric> console) : BaseExporter<Metric>
{
    public override ExportResult Export(in Batch<Metric> batch) => batch.Count == 0 ? ExportResult.Success : console.Export(batch);

    protected override bool OnForceFlush(int timeoutMilliseconds) => console.ForceFlush(timeoutMilliseconds);

    protected override bool OnShutdown(int timeoutMilliseconds) => console.Shutdown(timeoutMilliseconds);

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            console.Dispose();
        }

        base.Dispose(disposing);
    }
}
