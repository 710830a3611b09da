using Alerts.Core.Ratings;

namespace Alerts.Core.Tests.Ratings;

public class RatingScaleTests
{
    public static TheoryData<string, RatingBucket> DomainNotesWords => new()
    {
        // bullish
        { "Strong Buy", RatingBucket.Bullish },
        { "Buy", RatingBucket.Bullish },
        { "Overweight", RatingBucket.Bullish },
        { "Outperform", RatingBucket.Bullish },
        { "Positive", RatingBucket.Bullish },
        { "Market Outperform", RatingBucket.Bullish },
        { "Sector Outperform", RatingBucket.Bullish },
        { "Speculative Buy", RatingBucket.Bullish },
        { "Accumulate", RatingBucket.Bullish },
        { "Add", RatingBucket.Bullish },
        { "Top Pick", RatingBucket.Bullish },
        { "Conviction Buy", RatingBucket.Bullish },

        // neutral
        { "Hold", RatingBucket.Neutral },
        { "Neutral", RatingBucket.Neutral },
        { "Equal Weight", RatingBucket.Neutral },
        { "Equal-Weight", RatingBucket.Neutral },
        { "Market Perform", RatingBucket.Neutral },
        { "In Line", RatingBucket.Neutral },
        { "In-Line", RatingBucket.Neutral },
        { "Sector Perform", RatingBucket.Neutral },
        { "Peer Perform", RatingBucket.Neutral },
        { "Sector Weight", RatingBucket.Neutral },
        { "Perform", RatingBucket.Neutral },
        { "Market Weight", RatingBucket.Neutral },

        // bearish
        { "Underweight", RatingBucket.Bearish },
        { "Underperform", RatingBucket.Bearish },
        { "Sector Underperform", RatingBucket.Bearish },
        { "Market Underperform", RatingBucket.Bearish },
        { "Sell", RatingBucket.Bearish },
        { "Strong Sell", RatingBucket.Bearish },
        { "Negative", RatingBucket.Bearish },
        { "Reduce", RatingBucket.Bearish },
    };

    [Theory]
    [MemberData(nameof(DomainNotesWords))]
    public void Classify_DomainNotesWord_MapsToItsBucket(string word, RatingBucket expected)
    {
        var level = RatingScale.Classify(word);

        Assert.NotEqual(RatingLevel.Unknown, level);
        Assert.Equal(expected, level.Bucket());
    }

    [Theory]
    [InlineData("Strong Buy", RatingLevel.StrongBuy)]
    [InlineData("Top Pick", RatingLevel.StrongBuy)]
    [InlineData("Buy", RatingLevel.Buy)]
    [InlineData("Overweight", RatingLevel.Buy)]
    [InlineData("Positive", RatingLevel.Buy)]
    [InlineData("Hold", RatingLevel.Hold)]
    [InlineData("Neutral", RatingLevel.Hold)]
    [InlineData("Underweight", RatingLevel.Sell)]
    [InlineData("Sell", RatingLevel.Sell)]
    [InlineData("Strong Sell", RatingLevel.StrongSell)]
    public void Classify_Word_MapsToItsLevel(string word, RatingLevel expected) =>
        Assert.Equal(expected, RatingScale.Classify(word));

    [Theory]
    [InlineData("equal-weight")]
    [InlineData("EQUAL WEIGHT")]
    [InlineData("Equal Weight")]
    [InlineData("equalweight")]
    [InlineData("  equal  -  WEIGHT ")]
    [InlineData("Equal_Weight")]
    public void Classify_CaseHyphensAndSpaces_AreIgnored(string word) =>
        Assert.Equal(RatingLevel.Hold, RatingScale.Classify(word));

    [Theory]
    [InlineData("in-line")]
    [InlineData("IN LINE")]
    [InlineData("Inline")]
    public void Classify_InLineSpellings_AreNeutral(string word) =>
        Assert.Equal(RatingBucket.Neutral, RatingScale.Classify(word).Bucket());

    [Theory]
    [InlineData("Fantastic")]
    [InlineData("Buy-ish")]
    [InlineData("Overweightt")]
    [InlineData("1")]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData(null)]
    public void Classify_UnknownWord_IsUnknown(string? word)
    {
        var level = RatingScale.Classify(word);

        Assert.Equal(RatingLevel.Unknown, level);
        Assert.Equal(RatingBucket.Unknown, level.Bucket());
    }

    [Fact]
    public void Classify_Levels_AreOrderedFromBearishToBullish()
    {
        Assert.True(RatingScale.Classify("Strong Sell") < RatingScale.Classify("Underweight"));
        Assert.True(RatingScale.Classify("Underweight") < RatingScale.Classify("Equal Weight"));
        Assert.True(RatingScale.Classify("Equal Weight") < RatingScale.Classify("Overweight"));
        Assert.True(RatingScale.Classify("Overweight") < RatingScale.Classify("Strong Buy"));
    }
}
