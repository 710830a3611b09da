using System.Text.Json.Serialization;

namespace Alerts.Core.Ratings;

/// <summary>
/// The one scale every broker's words are mapped onto, from most bearish (1) to most bullish (5),
/// as Zacks numbers it in reverse. <see cref="Unknown"/> marks a word we do not know: it is kept
/// verbatim and never guessed.
/// </summary>
[JsonConverter(typeof(JsonStringEnumConverter<RatingLevel>))]
public enum RatingLevel
{
    [JsonStringEnumMemberName("unknown")] Unknown = 0,
    [JsonStringEnumMemberName("strong_sell")] StrongSell = 1,
    [JsonStringEnumMemberName("sell")] Sell = 2,
    [JsonStringEnumMemberName("hold")] Hold = 3,
    [JsonStringEnumMemberName("buy")] Buy = 4,
    [JsonStringEnumMemberName("strong_buy")] StrongBuy = 5,
}

/// <summary>The three buckets that subscribers and emails speak of.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<RatingBucket>))]
public enum RatingBucket
{
    Unknown,
    Bearish,
    Neutral,
    Bullish,
}

public static class RatingLevels
{
    public static RatingBucket Bucket(this RatingLevel level) => level switch
    {
        RatingLevel.StrongSell or RatingLevel.Sell => RatingBucket.Bearish,
        RatingLevel.Hold => RatingBucket.Neutral,
        RatingLevel.Buy or RatingLevel.StrongBuy => RatingBucket.Bullish,
        _ => RatingBucket.Unknown,
    };

    public static string ToWireName(this RatingLevel level) => level switch
    {
        RatingLevel.StrongSell => "strong_sell",
        RatingLevel.Sell => "sell",
        RatingLevel.Hold => "hold",
        RatingLevel.Buy => "buy",
        RatingLevel.StrongBuy => "strong_buy",
        _ => "unknown",
    };

    public static RatingLevel FromWireName(string? name) => name switch
    {
        "strong_sell" => RatingLevel.StrongSell,
        "sell" => RatingLevel.Sell,
        "hold" => RatingLevel.Hold,
        "buy" => RatingLevel.Buy,
        "strong_buy" => RatingLevel.StrongBuy,
        _ => RatingLevel.Unknown,
    };
}
