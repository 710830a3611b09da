using System.Buffers;
using System.Text.Json;
using Alerts.Core.Ratings;

namespace Alerts.Core.Ingest;

/// <summary>
/// The contract's rules for one change built in code (read from a feed, or from news text), applied by the very parser
/// that applies them to posted JSON (<see cref="RatingChangeParser"/>), so the rules live in one place. A change that
/// breaks one is left out, never stored half-right.
/// </summary>
public static class SubmissionRules
{
    /// <summary>
    /// Checks <paramref name="submission"/> and returns it as the parser reads it (trimmed, ticker in upper case), or null
    /// with every <paramref name="problem"/> that keeps it out.
    /// </summary>
    public static RatingChangeSubmission? Check(RatingChangeSubmission submission, TimeProvider time, out string? problem)
    {
        var result = RatingChangeParser.ParseJson(ToContractJson(submission), time);
        if (result.IsValid && result.Value is [var valid])
        {
            problem = null;
            return valid with
            {
                Sentence = submission.Sentence is { } sentence ? Security.UntrustedText.StripInvisible(sentence) : null,
                PublishedDate = submission.PublishedDate,
            };
        }

        problem = string.Join("; ", result.Errors.Select(e => $"{e.Field} {e.Message}"));
        return null;
    }

    /// <summary>The submission as the contract's JSON object (the body of <c>POST /api/ratings</c>).</summary>
    private static ReadOnlyMemory<byte> ToContractJson(RatingChangeSubmission s)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            Write(json, "id", s.SenderId);
            Write(json, "ticker", s.Ticker);
            Write(json, "company", s.Company);
            Write(json, "firm", s.Firm);
            Write(json, "analyst", s.Analyst);
            Write(json, "action", s.Action?.ToWireName());
            Write(json, "fromRating", s.FromRating);
            Write(json, "toRating", s.ToRating);
            Write(json, "fromTarget", s.FromTarget);
            Write(json, "toTarget", s.ToTarget);
            Write(json, "currency", s.Currency);
            var publishedAt = s.PublishedDate is { } date ? MarketDates.SortInstant(date) : s.PublishedAt;
            Write(json, "publishedAt", publishedAt?.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
            Write(json, "source", s.Source);
            Write(json, "url", s.Url);
            json.WriteEndObject();
        }

        return buffer.WrittenMemory;
    }

    private static void Write(Utf8JsonWriter json, string name, string? value)
    {
        if (value is not null)
        {
            json.WriteString(name, value);
        }
    }

    private static void Write(Utf8JsonWriter json, string name, decimal? value)
    {
        if (value is { } number)
        {
            json.WriteNumber(name, number);
        }
    }
}
