using System.Diagnostics;
using Alerts.Core.Diagnostics;
using OpenTelemetry;

namespace Alerts.Api.Telemetry;

/// <summary>
/// Hands the console only the spans a reader follows a change by: ours and the HTTP server's. The storage requests
/// under them (a dozen per post) still go to Azure Monitor as dependencies, but would bury the trace on a console.
/// </summary>
internal sealed class ConsoleSpanFilter(BaseProcessor<Activity> console) : BaseProcessor<Activity>
{
    public override void OnEnd(Activity data)
    {
        if (data.Source.Name == AlertsTelemetry.Name || data.Kind == ActivityKind.Server)
        {
            console.OnEnd(data);
        }
    }

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
