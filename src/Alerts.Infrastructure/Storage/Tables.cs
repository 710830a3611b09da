using System.Globalization;

namespace Alerts.Infrastructure.Storage;

/// <summary>Conversions between our values and what a Table Storage property can hold.</summary>
internal static class Tables
{
    /// <summary>Newest first: RowKeys sort ascending, so the row key carries <c>MaxTicks - ticks</c>, 19 digits.</summary>
    public static string InvertedTicks(DateTimeOffset at) =>
        (DateTimeOffset.MaxValue.UtcTicks - at.UtcTicks).ToString("D19", CultureInfo.InvariantCulture);

    /// <summary>Decimals are stored as invariant strings: Table Storage has no decimal type and a double would round.</summary>
    public static string? FromDecimal(decimal? value) => value?.ToString(CultureInfo.InvariantCulture);

    public static decimal? ToDecimal(string? value) =>
        value is null ? null : decimal.Parse(value, NumberStyles.Number, CultureInfo.InvariantCulture);
}
