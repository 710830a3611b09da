using Alerts.Infrastructure.Securities;
using Microsoft.Extensions.Options;

namespace Alerts.LocalRunner;

/// <summary>
/// The local runner's stand-in for the <c>RefreshSecurities</c> timer: off unless <c>Securities__RefreshEnabled=true</c>
/// (the embedded SEC file serves); when on, refreshes at once on start, then every <c>Securities:RefreshIntervalHours</c>.
/// </summary>
internal sealed partial class SecuritiesRefreshLoop(SecuritiesRefresher refresher, IOptions<SecuritiesOptions> options, TimeProvider time, ILogger<SecuritiesRefreshLoop> logger)
    : PeriodicJob(time, logger)
{
    protected override TimeSpan Interval => TimeSpan.FromHours(options.Value.RefreshIntervalHours);

    protected override string Name => "The securities refresh";

    protected override bool ShouldRun() => options.Value.RefreshEnabled;

    // The refresher logs what it did and why it kept the old listings.
    protected override Task RunOnceAsync(CancellationToken cancellationToken) => refresher.RefreshAsync(cancellationToken);
}
