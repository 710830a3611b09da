namespace Alerts.Core.Context;

/// <summary>One reason a change stands out, as one plain line in the alert (see <see cref="NotableCalls"/>).</summary>
public sealed record NotableCall(NotableCallKind Kind, string Line);
