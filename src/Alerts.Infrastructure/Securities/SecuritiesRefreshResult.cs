namespace Alerts.Infrastructure.Securities;

/// <summary>What one refresh did: replaced the master with <see cref="Rows"/> listings, or left it as it was and why.</summary>
public sealed record SecuritiesRefreshResult(bool Replaced, int Rows, string? Problem)
{
    public static SecuritiesRefreshResult Kept(string problem) => new(false, 0, problem);
}
