using Microsoft.Extensions.Logging;

namespace Alerts.Infrastructure.Feeds;

/// <summary>Log messages shared by the feed sources.</summary>
internal static partial class FeedLog
{
    [LoggerMessage(Level = LogLevel.Warning, Message = "Feed {Source}: a record was skipped: {Reason}")]
    public static partial void RecordSkipped(ILogger logger, string source, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Feed {Source}: the saved cursor '{Cursor}' is not one this source wrote; reading from its lookback window (what was stored before is recognised as a repeat)")]
    public static partial void UnreadableCursor(ILogger logger, string source, string cursor);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Feed {Source}: the answer for {Symbol} was skipped and its cursor kept (asked again next time): {Reason}")]
    public static partial void AnswerSkipped(ILogger logger, string source, string symbol, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Feed {Source}: request budget spent ({PerMinute} a minute, {PerDay} a day); {Waiting} symbols wait for the next poll")]
    public static partial void BudgetSpent(ILogger logger, string source, int waiting, int perMinute, int perDay);
}
