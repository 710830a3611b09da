using Alerts.Core.Ingest;
using Microsoft.Extensions.Hosting;

namespace Alerts.Api.Hosting;

/// <summary>
/// Runs <see cref="BackgroundFanOut"/> for as long as the host runs (the Functions app and the local runner alike): the
/// alerts of changes a webhook post stored are matched and queued here, after its 202.
/// </summary>
internal sealed class BackgroundFanOutService(BackgroundFanOut fanOut) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => fanOut.RunAsync(stoppingToken);
}
