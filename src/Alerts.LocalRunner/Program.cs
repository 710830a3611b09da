using Alerts.Api;
using Alerts.LocalRunner;

var builder = WebApplication.CreateBuilder(args);
var local = LocalEnvironment.Prepare(builder);
await using var azurite = await LocalAzurite.StartIfNeededAsync(builder.Configuration, local, Console.Out);

builder.Services.AddAlerts(builder.Configuration);
builder.Services.AddHostedService<DispatcherLoop>();
builder.Services.AddHostedService<OutboxLoop>();
builder.Services.AddHostedService<DigestLoop>();
builder.Services.AddHostedService<FeedPollingLoop>();

var app = builder.Build();
app.MapAlertsApi();
local.PrintBanner(app.Services, Console.Out);
await app.RunAsync();
