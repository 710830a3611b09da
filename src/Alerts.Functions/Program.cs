using Alerts.Api;
using Alerts.Functions;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Hosting;

var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();
builder.UseAzureDefaults();
builder.Services.AddAlerts(builder.Configuration);
builder.Build().Run();
