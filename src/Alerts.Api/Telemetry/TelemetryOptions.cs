using System.ComponentModel.DataAnnotations;

namespace Alerts.Api.Telemetry;

/// <summary>
/// Console telemetry (section <c>Telemetry</c>). Azure Monitor needs no setting here: it is on whenever
/// <c>APPLICATIONINSIGHTS_CONNECTION_STRING</c> is set.
/// </summary>
public sealed class TelemetryOptions
{
    public const string SectionName = "Telemetry";

    /// <summary>Print the metrics on the console every <see cref="ConsoleMetricsSeconds"/>. The default is false; the local runner turns it on.</summary>
    public bool Console { get; set; }

    /// <summary>
    /// How often the console metrics are printed, each time what was counted since the last time (nothing when nothing
    /// happened). The default value is 60 seconds.
    /// </summary>
    [Range(1, 3600)]
    public int ConsoleMetricsSeconds { get; set; } = 60;

    /// <summary>
    /// Record a server span (a request in Application Insights) for each HTTP request this process serves. The default is
    /// true, for the local runner, which is its own web server. The Functions app sets it false (<c>AzureDefaults</c>): there
    /// the Functions host records each request itself and forwards it to the worker, so a worker span would be a second
    /// record of the same request.
    /// </summary>
    public bool ServerSpans { get; set; } = true;

    /// <summary>With <see cref="Console"/>, also print each span of a change's trace (ours and the HTTP server's). The default is false.</summary>
    public bool ConsoleSpans { get; set; }
}
