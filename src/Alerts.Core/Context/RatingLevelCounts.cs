using Alerts.Core.Ratings;

namespace Alerts.Core.Context;

/// <summary>How many firms sit at each level of the common scale (<see cref="RatingLevel"/>), and how many at none known.</summary>
public sealed record RatingLevelCounts(int StrongBuy, int Buy, int Hold, int Sell, int StrongSell, int Unknown)
{
    public static readonly RatingLevelCounts None = new(0, 0, 0, 0, 0, 0);

    /// <summary>The levels from most bullish to most bearish, as emails list them.</summary>
    public static IReadOnlyList<RatingLevel> Scale { get; } =
        [RatingLevel.StrongBuy, RatingLevel.Buy, RatingLevel.Hold, RatingLevel.Sell, RatingLevel.StrongSell];

    public int Firms => StrongBuy + Buy + Hold + Sell + StrongSell + Unknown;

    public int this[RatingLevel level] => level switch
    {
        RatingLevel.StrongBuy => StrongBuy,
        RatingLevel.Buy => Buy,
        RatingLevel.Hold => Hold,
        RatingLevel.Sell => Sell,
        RatingLevel.StrongSell => StrongSell,
        _ => Unknown,
    };

    public RatingLevelCounts With(RatingLevel level) => level switch
    {
        RatingLevel.StrongBuy => this with { StrongBuy = StrongBuy + 1 },
        RatingLevel.Buy => this with { Buy = Buy + 1 },
        RatingLevel.Hold => this with { Hold = Hold + 1 },
        RatingLevel.Sell => this with { Sell = Sell + 1 },
        RatingLevel.StrongSell => this with { StrongSell = StrongSell + 1 },
        _ => this with { Unknown = Unknown + 1 },
    };
}
