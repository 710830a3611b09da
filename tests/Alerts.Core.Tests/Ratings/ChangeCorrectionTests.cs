using Alerts.Core.Delivery;
using Alerts.Core.Ratings;

namespace Alerts.Core.Tests.Ratings;

public sealed class ChangeCorrectionTests
{
    private static readonly RatingChangeNormalizer Normalizer = new(FirmDirectory.Default);

    private static readonly DateTimeOffset At = new(2025, 12, 2, 13, 30, 0, TimeSpan.Zero);

    private static RatingChange Told(Func<RatingChangeSubmission, RatingChangeSubmission>? edit = null)
    {
        var submission = new RatingChangeSubmission
        {
            SenderId = "659e84b3b02d4100013258aa",
            Source = "benzinga",
            Ticker = "AAPL",
            Company = "Apple",
            Firm = "Redburn Atlantic",
            Analyst = "James Cordwell",
            Action = RatingAction.Downgrade,
            FromRating = "Buy",
            ToRating = "Neutral",
            ToTarget = 200m,
            PublishedAt = At,
            Url = "https://www.benzinga.com/quote/AAPL/analyst-ratings",
        };
        return Normalizer.Normalize(edit is null ? submission : edit(submission), At);
    }

    [Fact]
    public void Between_TargetEdited_IsACorrectionCarryingWhatWasTold()
    {
        var told = Told();
        var edited = Told(s => s with { ToTarget = 180m });

        var correction = ChangeCorrection.Between(told, edited);

        Assert.NotNull(correction);
        Assert.Equal((CorrectionKind.Corrected, told.Id, 200m, "Neutral", RatingAction.Downgrade), (correction.Kind, correction.OriginalId, correction.ToTarget, correction.ToRating, correction.Action));
    }

    [Fact]
    public void Between_RatingEdited_IsACorrection() =>
        Assert.NotNull(ChangeCorrection.Between(Told(), Told(s => s with { ToRating = "Sell" })));

    [Fact]
    public void Between_ActionEdited_IsACorrection() =>
        Assert.NotNull(ChangeCorrection.Between(Told(), Told(s => s with { Action = RatingAction.Reiterate, FromRating = "Neutral" })));

    [Fact]
    public void Between_AnalystLinkCompanyAndTimeEdited_IsNothingToTell() =>
        Assert.Null(ChangeCorrection.Between(Told(), Told(s => s with
        {
            Analyst = "J. Cordwell",
            Url = "https://www.benzinga.com/stock-articles/AAPL/analyst-ratings",
            Company = "Apple Inc.",
            PublishedAt = At.AddMinutes(7),
        })));

    [Fact]
    public void Between_RatingWordsInAnotherCase_IsNothingToTell() =>
        Assert.Null(ChangeCorrection.Between(Told(), Told(s => s with { ToRating = "neutral ", FromRating = "BUY" })));

    [Fact]
    public void Headline_TargetSet_SaysTheTargetWithNoDirection()
    {
        var set = Normalizer.Normalize(new RatingChangeSubmission { Ticker = "AAPL", Firm = "Jefferies", ToTarget = 200.75m, PublishedAt = At }, At);

        Assert.Equal(RatingAction.TargetSet, set.Action);
        Assert.Equal("Jefferies sets AAPL price target at $200.75", ChangeDescription.Headline(set));
    }

    [Fact]
    public void Headline_CorrectionAndWithdrawal_SayWhatTheyAre()
    {
        var told = Told();
        var edited = Told(s => s with { ToTarget = 180m });
        var corrected = edited with { Correction = ChangeCorrection.Between(told, edited) };
        var withdrawn = edited with { Withdrawn = true, Correction = ChangeCorrection.Withdrawal(edited) };

        Assert.Equal("Corrected: Redburn Atlantic downgrades AAPL to Neutral from Buy, PT $180", ChangeDescription.Headline(corrected));
        Assert.Equal("Withdrawn: Redburn Atlantic downgrades AAPL to Neutral from Buy, PT $180", ChangeDescription.Headline(withdrawn));
        Assert.Equal("Redburn Atlantic downgrades AAPL to Neutral from Buy, PT $180", ChangeDescription.Headline(edited));
        var facts = ChangeDescription.Facts(corrected);
        Assert.Contains(("Price target corrected", "$200 -> $180"), facts);
        Assert.Contains(("Was", "Redburn Atlantic downgrades AAPL to Neutral from Buy, PT $200"), facts);
        Assert.DoesNotContain(facts, f => f.Label == "Rating corrected");
        Assert.Contains(ChangeDescription.Facts(withdrawn), f => f.Label == "Withdrawn");
    }
}
