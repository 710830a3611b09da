using Alerts.Core;

namespace Alerts.Infrastructure.Feeds;

/// <summary>What one push from Benzinga did. With <see cref="Errors"/>, nothing was stored (the delivery is refused whole).</summary>
/// <param name="Accepted">Records stored now (new, or corrections of records stored before).</param>
/// <param name="Duplicates">Records stored before with this content, and deliveries handled before (by their id).</param>
/// <param name="Withdrawn">Deleted records withdrawn now.</param>
/// <param name="Ignored">Deliveries of another kind than ratings, and deletions of records never stored here.</param>
public sealed record BenzingaPushResult(IReadOnlyList<ValidationError> Errors, int Accepted = 0, int Duplicates = 0, int Withdrawn = 0, int Ignored = 0);
