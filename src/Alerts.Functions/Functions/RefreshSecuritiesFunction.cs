using Alerts.Infrastructure.Securities;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Alerts.Functions.Functions;

/// <summary>
/// Refreshes the securities master from the SEC on a timer (<c>SECURITIES_SCHEDULE</c>, e.g. <c>0 15 6 * * *</c>: once a
/// day at 06:15 UTC) when <c>Securities__RefreshEnabled</c> is true. The refresher is the same class the local runner loops
/// on; a refused answer is logged by it and the master keeps what it had.
/// </summary>
public sealed partial class RefreshSecuritiesFunction(SecuritiesRefresher refresher, IOptions<SecuritiesOptions> options, ILogger<RefreshSecuritiesFunction> logger)
{
    [Function("RefreshSecurities")]
    public async Task RunAsync([TimerTrigger("%SECURITIES_SCHEDULE%")] TimerInfo timer, CancellationToken cancellationToken)
    {
        if (!options.Value.RefreshEnabled)
        {
            LogDisabled();
            return;
        }

        await refresher.RefreshAsync(cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Securities refresh is off (Securities__RefreshEnabled); the embedded SEC file stays in use")]
    private partial void LogDisabled();
}
