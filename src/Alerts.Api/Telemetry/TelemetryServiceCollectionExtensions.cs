using Alerts.Core.Diagnostics;
using Azure.Core;
using Azure.Identity;
using Azure.Monitor.OpenTelemetry.Exporter;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Alerts.Api.Telemetry;

/// <summary>
/// OpenTelemetry for both hosts: our spans (<see cref="AlertsTelemetry.Source"/>) with the ASP.NET Core server spans (unless
/// <see cref="TelemetryOptions.ServerSpans"/> is off, as in the Functions app, whose host records each request) and the HttpClient spans (SendGrid, storage), our metrics (<see cref="AlertsTelemetry.Meter"/>); exported to Azure Monitor
/// when <c>APPLICATIONINSIGHTS_CONNECTION_STRING</c> is set, and to the console when <c>Telemetry__Console</c> is true.
/// </summary>
internal static class TelemetryServiceCollectionExtensions
{
    public const string ConnectionStringSetting = "APPLICATIONINSIGHTS_CONNECTION_STRING";

    /// <summary><c>Authorization=AAD</c> (and the identity's <c>ClientId</c>) where Application Insights takes Entra-authenticated telemetry only.</summary>
    public const string AuthenticationStringSetting = "APPLICATIONINSIGHTS_AUTHENTICATION_STRING";

    public static IServiceCollection AddAlertsTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<TelemetryOptions>().BindConfiguration(TelemetryOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        var options = configuration.GetSection(TelemetryOptions.SectionName).Get<TelemetryOptions>() ?? new TelemetryOptions();

        var telemetry = services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(AlertsTelemetry.Name))
            .WithTracing(tracing =>
            {
                tracing.AddSource(AlertsTelemetry.Name).AddHttpClientInstrumentation();
                if (options.ServerSpans)
                {
                    tracing.AddAspNetCoreInstrumentation();
                }
            })
            .WithMetrics(metrics => metrics.AddMeter(AlertsTelemetry.Name));

        if (options.Console)
        {
            // What was counted in each interval (delta), printed only when something was: an idle runner stays quiet.
            telemetry.WithMetrics(metrics => metrics.AddReader(
                new PeriodicExportingMetricReader(new ConsoleMetricsWhenAny(new ConsoleMetricExporter(new ConsoleExporterOptions())), options.ConsoleMetricsSeconds * 1000)
                {
                    TemporalityPreference = MetricReaderTemporalityPreference.Delta,
                }));
            if (options.ConsoleSpans)
            {
                telemetry.WithTracing(tracing => tracing.AddProcessor(
                    new ConsoleSpanFilter(new SimpleActivityExportProcessor(new ConsoleActivityExporter(new ConsoleExporterOptions())))));
            }
        }

        var connectionString = configuration[ConnectionStringSetting];
        if (!string.IsNullOrWhiteSpace(connectionString))
        {
            var credential = EntraCredential(configuration[AuthenticationStringSetting]);
            telemetry.UseAzureMonitorExporter(azureMonitor =>
            {
                azureMonitor.ConnectionString = connectionString;
                azureMonitor.Credential = credential;
            });
        }

        return services;
    }

    /// <summary>
    /// The Functions host reads <c>APPLICATIONINSIGHTS_AUTHENTICATION_STRING</c> itself; the exporter does not, so its
    /// <c>ClientId=...;Authorization=AAD</c> becomes the managed identity the exporter signs in with (null: keyed ingestion).
    /// </summary>
    internal static TokenCredential? EntraCredential(string? authenticationString)
    {
        var parts = (authenticationString ?? string.Empty)
            .Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(part => part.Split('=', 2, StringSplitOptions.TrimEntries))
            .Where(pair => pair.Length == 2)
            .ToDictionary(pair => pair[0], pair => pair[1], StringComparer.OrdinalIgnoreCase);
        if (!parts.TryGetValue("Authorization", out var authorization) || !string.Equals(authorization, "AAD", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        return new ManagedIdentityCredential(parts.TryGetValue("ClientId", out var clientId) && !string.IsNullOrWhiteSpace(clientId)
            ? ManagedIdentityId.FromUserAssignedClientId(clientId)
            : ManagedIdentityId.SystemAssigned);
    }
}
