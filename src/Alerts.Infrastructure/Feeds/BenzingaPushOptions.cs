using System.ComponentModel.DataAnnotations;

namespace Alerts.Infrastructure.Feeds;

/// <summary>
/// Benzinga's data webhook (<c>Feeds__BenzingaPush__...</c>): deliveries to <c>POST /api/feeds/benzinga</c>. Unset
/// <see cref="Tokens"/>: the route answers 404 (not configured).
/// </summary>
public sealed class BenzingaPushOptions
{
    public const string SectionName = "Feeds:BenzingaPush";

    /// <summary>The least length of a token: guessing one must be out of reach.</summary>
    public const int MinTokenLength = 24;

    /// <summary>
    /// <c>;</c>-separated secrets, each at least <see cref="MinTokenLength"/> characters; a delivery must carry one, as
    /// <c>?token=</c> in the webhook address given to Benzinga or as <c>Authorization: Bearer</c>. Several may be set at
    /// once, so that one can be rotated.
    /// </summary>
    public string? Tokens { get; set; }

    /// <summary>
    /// The source name stored on pushed records: the same as the polled Benzinga source's <c>Name</c> when both run, so
    /// that a record pushed and polled is one sender record (stored once, corrected as one). Default <c>benzinga</c>.
    /// </summary>
    [RegularExpression("^[A-Za-z0-9._-]{1,63}$")]
    public string Source { get; set; } = "benzinga";

    /// <summary>The tokens, trimmed, empty ones left out.</summary>
    public IReadOnlyList<string> GetTokens() =>
        (Tokens ?? string.Empty).Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
}
