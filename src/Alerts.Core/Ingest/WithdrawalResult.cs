namespace Alerts.Core.Ingest;

/// <summary>What withdrawing records did.</summary>
/// <param name="Withdrawn">Records withdrawn now (each stored as a withdrawal, fanned out to whoever was alerted of it).</param>
/// <param name="AlreadyWithdrawn">Records withdrawn before (a repeated deletion): nothing done.</param>
/// <param name="Unknown">Records never stored here (or stored before their tickers were noted): nothing to withdraw.</param>
public sealed record WithdrawalResult(int Withdrawn, int AlreadyWithdrawn, int Unknown);
