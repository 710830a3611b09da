using Alerts.Api;
using Alerts.Infrastructure.Channels;
using Alerts.Infrastructure.Queues;
using Alerts.LocalRunner;

// The content root is the runner's own folder, not the working directory: the runner has no files to serve or reload, and
// a content root is watched for its settings files with everything under it, where the mailbox and Azurite's data grow
// (every email written would be an event for this process to read).
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
var local = LocalEnvironment.Prepare(builder);
await using var azurite = await LocalAzurite.StartIfNeededAsync(builder.Configuration, local, Console.Out);

builder.Services.AddAlerts(builder.Configuration);
builder.Services.AddHostedService<DispatcherLoop>();
builder.Services.AddFanOutQueueListener();
builder.Services.AddChannelQueueListener();
builder.Services.AddHostedService<SweepLoop>();
builder.Services.AddHostedService<DigestLoop>();
builder.Services.AddHostedService<FeedPollingLoop>();
builder.Services.AddHostedService<SecuritiesRefreshLoop>();
builder.Services.AddHostedService<PurgeLoop>();

var app = builder.Build();
app.MapAlertsApi();
local.PrintBanner(app.Services, Console.Out);
await app.RunAsync();
