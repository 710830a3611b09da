namespace Alerts.Core.Ingest;

/// <summary>Some changes of a fan-out stay pending (storage or the alert queue failed): the message is to be delivered again.</summary>
internal sealed class FanOutIncompleteException(string message) : Exception(message);
