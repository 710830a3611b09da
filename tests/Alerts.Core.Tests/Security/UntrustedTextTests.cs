using System.Text;
using Alerts.Core.Ingest;
using Alerts.Core.Ratings;
using Alerts.Core.Security;
using Alerts.Core.Tests.TestSupport;
using Microsoft.Extensions.Time.Testing;

namespace Alerts.Core.Tests.Security;

public class UntrustedTextTests
{
    [Theory]
    [InlineData("ra\u202Eises", "raises")]
    [InlineData("\u200BUBS\u200C\u200D", "UBS")]
    [InlineData("\u2066Buy\u2069\u200E\u200F", "Buy")]
    [InlineData("\uFEFFJPMorgan\u2060", "JPMorgan")]
    [InlineData("Société Générale", "Société Générale")]
    [InlineData("", "")]
    public void StripInvisible_FormattingCharacters_AreRemovedAndTheRestKept(string text, string expected) =>
        Assert.Equal(expected, UntrustedText.StripInvisible(text));

    [Theory]
    [InlineData(new byte[] { (byte)'"', 0xFF, (byte)'"' }, false)]
    [InlineData(new byte[] { (byte)'"', 0xED, 0xA0, 0x80, (byte)'"' }, false)]
    [InlineData(new byte[] { (byte)'"', 0xC0, 0xAF, (byte)'"' }, false)]
    [InlineData(new byte[] { (byte)'"', 0xC3, 0xA9, (byte)'"' }, true)]
    public void IsDecodableJson_Utf8_IsChecked(byte[] json, bool expected) =>
        Assert.Equal(expected, UntrustedText.IsDecodableJson(json));

    [Theory]
    [InlineData("""{"a":"\ud800"}""", false)]
    [InlineData("""{"\udc00":1}""", false)]
    [InlineData("""{"a":"\udc00\ud800"}""", false)]
    [InlineData("""{"a":"\ud83d\ude00 \u00e9"}""", true)]
    [InlineData("{\"a\":1}\n{\"b\":\"\\ud800\"}", false)]
    [InlineData("""not json \ud800""", true)]
    public void IsDecodableJson_SurrogateEscapes_AreChecked(string json, bool expected) =>
        Assert.Equal(expected, UntrustedText.IsDecodableJson(Encoding.UTF8.GetBytes(json)));

    /// <summary>Feeds and news text reach storage through <see cref="SubmissionRules"/>: the same stripping applies.</summary>
    [Fact]
    public void SubmissionRulesCheck_FeedChangeWithBidiCharacters_IsStoredWithout()
    {
        var submission = new RatingChangeSubmission
        {
            Ticker = "CI\u200BFR",
            Firm = "JP\u202EMorgan",
            ToRating = "Over\u2066weight",
            Company = "Cipher\u200F Mining",
            Sentence = "JPMorgan up\u200Bgrades Cipher Mining",
        };

        var valid = SubmissionRules.Check(submission, new FakeTimeProvider(TestChanges.Now), out var problem);

        Assert.Null(problem);
        Assert.NotNull(valid);
        Assert.Equal(("CIFR", "JPMorgan", "Overweight", "Cipher Mining", "JPMorgan upgrades Cipher Mining"), (valid.Ticker, valid.Firm, valid.ToRating, valid.Company, valid.Sentence));
    }
}
