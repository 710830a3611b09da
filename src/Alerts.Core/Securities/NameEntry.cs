using Alerts.Core.Extraction;

namespace Alerts.Core.Securities;

/// <summary>A name key's listing (ticker and display name) and whether it resolves bare.</summary>
internal readonly record struct NameEntry(CompanyName Company, NameStatus Status, long Cik);
