namespace Alerts.Api;

/// <summary>Operator settings (section <c>Admin</c>).</summary>
public sealed class AdminOptions
{
    public const string SectionName = "Admin";

    /// <summary>
    /// <c>;</c>-separated keys that open the admin routes (<c>X-Alerts-Admin-Key</c> header or <c>Authorization: Bearer</c>).
    /// Without one, the admin routes answer 401 to everybody.
    /// </summary>
    public string Keys { get; set; } = string.Empty;

    /// <summary>The health route reports a problem when the oldest undelivered alert is older than this. The default is 10 minutes.</summary>
    [System.ComponentModel.DataAnnotations.Range(1, 24 * 60)]
    public int MaxPendingAgeMinutes { get; set; } = 10;

    /// <summary>The health route reports a problem when a feed's last successful poll is older than this. The default is 15 minutes.</summary>
    [System.ComponentModel.DataAnnotations.Range(1, 7 * 24 * 60)]
    public int MaxFeedPollAgeMinutes { get; set; } = 15;

    /// <summary>
    /// How long the anonymous <c>GET /api/health</c> answer is reused by an instance before it checks again (the checks
    /// read storage and peek the alert queue). The default is 30 seconds; 0 checks on every call. With an admin key the
    /// route always checks.
    /// </summary>
    [System.ComponentModel.DataAnnotations.Range(0, 3600)]
    public int HealthCacheSeconds { get; set; } = 30;

    public IReadOnlyList<string> KeyList => Keys.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
}
