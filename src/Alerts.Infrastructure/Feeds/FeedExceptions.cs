namespace Alerts.Infrastructure.Feeds;

/// <summary>The provider could not be read this time (unreachable, timed out, an error status after the retries, rate limited).</summary>
internal sealed class FeedUnavailableException(string message, Exception? innerException = null) : Exception(message, innerException);

/// <summary>The provider answered something that is not the documented shape (invalid JSON or XML, a wrong structure).</summary>
internal sealed class FeedFormatException(string message, Exception? innerException = null) : Exception(message, innerException);

/// <summary>One record could not be read (a number or a date in a form we do not know): it is skipped and counted.</summary>
internal sealed class MalformedRecordException(string message) : Exception(message);
