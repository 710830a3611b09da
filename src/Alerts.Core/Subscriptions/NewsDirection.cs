using System.Text.Json.Serialization;

namespace Alerts.Core.Subscriptions;

/// <summary>
/// The <c>direction</c> rule: which news a subscriber wants. What counts as positive or negative is defined in one
/// place, <see cref="Matching.ChangeDirections.Of(Ratings.RatingAction, Ratings.RatingLevel)"/>.
/// </summary>
[JsonConverter(typeof(JsonStringEnumConverter<NewsDirection>))]
public enum NewsDirection
{
    /// <summary>Every change (the default).</summary>
    [JsonStringEnumMemberName("any")] Any,

    /// <summary>Only positive news.</summary>
    [JsonStringEnumMemberName("positive")] Positive,

    /// <summary>Only negative news.</summary>
    [JsonStringEnumMemberName("negative")] Negative,
}

/// <summary>The wire names of <see cref="NewsDirection"/>.</summary>
public static class NewsDirections
{
    /// <summary>All wire names, for error messages.</summary>
    public static IReadOnlyList<string> All { get; } = ["positive", "negative", "any"];

    public static string ToWireName(this NewsDirection direction) => direction switch
    {
        NewsDirection.Positive => "positive",
        NewsDirection.Negative => "negative",
        _ => "any",
    };

    /// <summary>"positive", "negative" or "any", in any case, surrounding white space ignored.</summary>
    public static bool TryParse(string? value, out NewsDirection direction)
    {
        direction = NewsDirection.Any;
        switch (value?.Trim().ToLowerInvariant())
        {
            case "positive":
                direction = NewsDirection.Positive;
                return true;
            case "negative":
                direction = NewsDirection.Negative;
                return true;
            case "any":
                return true;
            default:
                return false;
        }
    }
}
