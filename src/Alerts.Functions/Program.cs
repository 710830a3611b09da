using Alerts.Api;
using Alerts.Functions;
using Alerts.Infrastructure.Queues;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Azure.Functions.Worker.OpenTelemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();
builder.UseAzureDefaults();
builder.Services.AddAlerts(builder.Configuration);
builder.Services.AddDispatchWakeUpQueue();
builder.Services.AddDigestWakeUpQueue();
// The worker exports its own telemetry (AddAlerts: Azure Monitor when APPLICATIONINSIGHTS_CONNECTION_STRING is set);
// host.json's "telemetryMode": "OpenTelemetry" makes the host do the same, and the two join in one trace.
builder.Services.AddOpenTelemetry().UseFunctionsWorkerDefaults();
builder.Build().Run();
