namespace Alerts.Core.Ingest;

/// <summary>The one rule for what a ticker is: 1-12 of A-Z 0-9 . - (any case in, upper case stored).</summary>
public static class Tickers
{
    public static bool TryNormalize(string? value, out string ticker, out string? problem)
    {
        ticker = string.Empty;
        problem = null;
        if (string.IsNullOrWhiteSpace(value))
        {
            problem = "is required";
            return false;
        }

        var trimmed = value.Trim();
        if (trimmed.Length > IngestLimits.MaxTickerLength)
        {
            problem = $"must be at most {IngestLimits.MaxTickerLength} characters";
            return false;
        }

        foreach (var c in trimmed)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '.' or '-'))
            {
                problem = "may hold only the letters A-Z, digits, '.' and '-'";
                return false;
            }
        }

        if (trimmed[0] is '.' or '-')
        {
            problem = "must start with a letter or digit";
            return false;
        }

        ticker = trimmed.ToUpperInvariant();
        return true;
    }
}
