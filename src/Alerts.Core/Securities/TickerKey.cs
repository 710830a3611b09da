namespace Alerts.Core.Securities;

/// <summary>
/// The key under which the master finds a ticker: upper case, with the share-class separators '-', '/' and '.' as one
/// ("BRK-B", "BRK.B", "brk/b" are one ticker). Only the look-up uses it: a ticker is stored as <c>Ingest.Tickers</c> says.
/// </summary>
internal static class TickerKey
{
    public const char Separator = '.';

    public static string Of(string ticker)
    {
        ArgumentNullException.ThrowIfNull(ticker);
        var trimmed = ticker.AsSpan().Trim();
        Span<char> buffer = trimmed.Length <= 32 ? stackalloc char[trimmed.Length] : new char[trimmed.Length];
        Write(trimmed, buffer);
        return new string(buffer);
    }

    /// <summary>Writes the key of <paramref name="ticker"/> into <paramref name="destination"/> (of the same length).</summary>
    internal static void Write(ReadOnlySpan<char> ticker, Span<char> destination)
    {
        for (var i = 0; i < ticker.Length; i++)
        {
            var c = ticker[i];
            destination[i] = c is '-' or '/' or '.' ? Separator : char.ToUpperInvariant(c);
        }
    }
}
