using Alerts.Api;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Configuration;

namespace Alerts.Functions;

/// <summary>Defaults that only make sense inside Azure Functions.</summary>
internal static class AzureDefaults
{
    /// <summary>The setting that turns the worker's own HTTP server spans off (see <c>TelemetryOptions.ServerSpans</c>).</summary>
    internal const string ServerSpansKey = "Telemetry:ServerSpans";

    /// <summary>
    /// No HTTP server spans from the worker (the host records each request). Links in emails point at the app's own host unless <c>Alerts__PublicBaseUrl</c> says otherwise. In Azure the app is
    /// never in local mode (<see cref="HostingMode"/>), whatever the settings say; under Core Tools (<c>func start</c>) it is,
    /// unless <c>Hosting__Local=false</c>.
    /// </summary>
    public static FunctionsApplicationBuilder UseAzureDefaults(this FunctionsApplicationBuilder builder)
    {
        var host = Environment.GetEnvironmentVariable("WEBSITE_HOSTNAME");
        var inAzure = IsInAzure(host, Environment.GetEnvironmentVariable("WEBSITE_INSTANCE_ID"), Environment.GetEnvironmentVariable("CONTAINER_NAME"));
        if (inAzure || string.IsNullOrWhiteSpace(builder.Configuration[HostingMode.LocalKey]))
        {
            builder.Configuration.AddInMemoryCollection([new(HostingMode.LocalKey, inAzure ? "false" : "true")]);
        }

        // The host records every HTTP request (a server span) before it forwards it to this worker; the worker's own server
        // span would make a second request record of each call in Application Insights. Our spans hang under the host's.
        builder.Configuration.AddInMemoryCollection([new(ServerSpansKey, "false")]);

        if (string.IsNullOrWhiteSpace(builder.Configuration["Alerts:PublicBaseUrl"]) && !string.IsNullOrWhiteSpace(host))
        {
            var scheme = host.StartsWith("localhost", StringComparison.OrdinalIgnoreCase) ? "http" : "https";
            builder.Configuration.AddInMemoryCollection([new("Alerts:PublicBaseUrl", $"{scheme}://{host}")]);
        }

        return builder;
    }

    /// <summary>
    /// True on an App Service or Functions instance: the platform sets <c>WEBSITE_INSTANCE_ID</c> (or, on Linux Consumption,
    /// <c>CONTAINER_NAME</c>) and a <c>WEBSITE_HOSTNAME</c> that is not a local address; Core Tools sets only
    /// <c>WEBSITE_HOSTNAME=localhost:7071</c>.
    /// </summary>
    internal static bool IsInAzure(string? hostName, string? instanceId, string? containerName) =>
        !string.IsNullOrWhiteSpace(instanceId)
        || !string.IsNullOrWhiteSpace(containerName)
        || (!string.IsNullOrWhiteSpace(hostName) && !hostName.StartsWith("localhost", StringComparison.OrdinalIgnoreCase) && !hostName.StartsWith("127.0.0.1", StringComparison.Ordinal));
}
