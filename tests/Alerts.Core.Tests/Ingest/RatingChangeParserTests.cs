using System.Text;
using Alerts.Core.Ingest;
using Alerts.Core.Ratings;
using Alerts.Core.Tests.TestSupport;
using Microsoft.Extensions.Time.Testing;

namespace Alerts.Core.Tests.Ingest;

public class RatingChangeParserTests
{
    private const string Valid = """{"ticker":"CIFR","firm":"JPMorgan","action":"upgrade"}""";

    private readonly FakeTimeProvider _time = new(TestChanges.Now);

    private Validated<IReadOnlyList<RatingChangeSubmission>> Json(string body) =>
        RatingChangeParser.ParseJson(Encoding.UTF8.GetBytes(body), _time);

    private Validated<IReadOnlyList<RatingChangeSubmission>> Ndjson(string body) =>
        RatingChangeParser.ParseNdjson(Encoding.UTF8.GetBytes(body), _time);

    private static ValidationError SingleError(Validated<IReadOnlyList<RatingChangeSubmission>> result)
    {
        Assert.False(result.IsValid);
        Assert.Null(result.Value);
        return Assert.Single(result.Errors);
    }

    [Fact]
    public void ParseJson_ContractExample_ReadsEveryField()
    {
        var result = Json("""
            {
              "id": "vendor-123", "ticker": "cifr", "company": "Cipher Mining", "firm": "JPMorgan",
              "analyst": "Reginald Smith", "action": "upgrade", "fromRating": "Neutral", "toRating": "Overweight",
              "fromTarget": 12, "toTarget": 18.5, "currency": "USD", "publishedAt": "2025-12-02T13:30:00Z",
              "source": "acme-feed", "url": "https://example.com/story"
            }
            """);

        Assert.True(result.IsValid);
        var item = Assert.Single(result.Value!);
        Assert.Equal("vendor-123", item.SenderId);
        Assert.Equal("CIFR", item.Ticker);
        Assert.Equal("Cipher Mining", item.Company);
        Assert.Equal("JPMorgan", item.Firm);
        Assert.Equal("Reginald Smith", item.Analyst);
        Assert.Equal(RatingAction.Upgrade, item.Action);
        Assert.Equal("Neutral", item.FromRating);
        Assert.Equal("Overweight", item.ToRating);
        Assert.Equal(12m, item.FromTarget);
        Assert.Equal(18.5m, item.ToTarget);
        Assert.Equal("USD", item.Currency);
        Assert.Equal(new DateTimeOffset(2025, 12, 2, 13, 30, 0, TimeSpan.Zero), item.PublishedAt);
        Assert.Equal("acme-feed", item.Source);
        Assert.Equal("https://example.com/story", item.Url);
    }

    [Fact]
    public void ParseJson_Array_ReadsEachItemInOrder()
    {
        var result = Json("""
            [
              {"ticker":"CIFR","firm":"JPMorgan","action":"upgrade"},
              {"ticker":"BRK.B","firm":"Citi","toTarget":500},
              {"ticker":"BF-B","firm":"RBC","fromRating":"Buy","toRating":"Hold"}
            ]
            """);

        Assert.True(result.IsValid);
        Assert.Equal(["CIFR", "BRK.B", "BF-B"], result.Value!.Select(s => s.Ticker));
    }

    [Fact]
    public void ParseJson_NumericId_IsKeptAsText() =>
        Assert.Equal("123", Assert.Single(Json("""{"id":123,"ticker":"CIFR","firm":"JPMorgan","action":"upgrade"}""").Value!).SenderId);

    [Fact]
    public void ParseJson_ActionAnyCase_IsAccepted() =>
        Assert.Equal(RatingAction.TargetRaise, Assert.Single(Json("""{"ticker":"CIFR","firm":"Citi","action":"TARGET_RAISE"}""").Value!).Action);

    [Fact]
    public void ParseJson_PublishedAtWithOffset_IsUtc()
    {
        var item = Assert.Single(Json("""{"ticker":"CIFR","firm":"Citi","action":"upgrade","publishedAt":"2025-12-02T15:30:00+02:00"}""").Value!);

        Assert.Equal(new DateTimeOffset(2025, 12, 2, 13, 30, 0, TimeSpan.Zero), item.PublishedAt);
    }

    [Theory]
    [InlineData("{")]
    [InlineData("{\"ticker\":\"CIFR\",}")]
    [InlineData("")]
    [InlineData("not json")]
    public void ParseJson_MalformedJson_ReportsBody(string body)
    {
        var error = SingleError(Json(body));

        Assert.Null(error.Index);
        Assert.Equal("body", error.Field);
        Assert.Contains("not valid JSON", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("42")]
    [InlineData("\"CIFR\"")]
    [InlineData("null")]
    public void ParseJson_NeitherObjectNorArray_ReportsBody(string body) =>
        Assert.Equal("body", SingleError(Json(body)).Field);

    [Fact]
    public void ParseJson_EmptyArray_ReportsBody()
    {
        var error = SingleError(Json("[]"));

        Assert.Equal("body", error.Field);
        Assert.Null(error.Index);
    }

    [Fact]
    public void ParseJson_TooDeep_ReportsBodyInsteadOfThrowing() =>
        Assert.Equal("body", SingleError(Json(new string('[', 100) + new string(']', 100))).Field);

    [Theory]
    [InlineData("""{"firm":"JPMorgan","action":"upgrade"}""", "ticker")]
    [InlineData("""{"ticker":"","firm":"JPMorgan","action":"upgrade"}""", "ticker")]
    [InlineData("""{"ticker":null,"firm":"JPMorgan","action":"upgrade"}""", "ticker")]
    [InlineData("""{"ticker":"CIFR","action":"upgrade"}""", "firm")]
    [InlineData("""{"ticker":"CIFR","firm":"   ","action":"upgrade"}""", "firm")]
    public void ParseJson_MissingRequiredField_ReportsThatField(string body, string field)
    {
        var error = SingleError(Json(body));

        Assert.Equal(0, error.Index);
        Assert.Equal(field, error.Field);
        Assert.Contains("required", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("CI FR")]
    [InlineData("$CIFR")]
    [InlineData("CIFR/B")]
    [InlineData("NYSE:JNJ")]
    [InlineData(".CIFR")]
    [InlineData("-CIFR")]
    [InlineData("ÄBC")]
    [InlineData("ABCDEFGHIJKLM")]
    [InlineData("ABCDEFGHIJKLMNOPQRSTUVWXYZABCDEFGHIJKLMNOPQRSTUVWXYZ")]
    public void ParseJson_BadTicker_ReportsTicker(string ticker)
    {
        var error = SingleError(Json($$"""{"ticker":"{{ticker}}","firm":"JPMorgan","action":"upgrade"}"""));

        Assert.Equal(0, error.Index);
        Assert.Equal("ticker", error.Field);
    }

    [Theory]
    [InlineData(13)]
    [InlineData(40)]
    [InlineData(5000)]
    public void ParseJson_TickerTooLong_SaysTheLimitIsTwelve(int length)
    {
        var error = SingleError(Json($$"""{"ticker":"{{new string('A', length)}}","firm":"JPMorgan","action":"upgrade"}"""));

        Assert.Equal("ticker", error.Field);
        Assert.Equal("must be at most 12 characters", error.Message);
    }

    [Theory]
    [InlineData("A")]
    [InlineData("ABCDEFGHIJKL")]
    [InlineData("RDS.A")]
    [InlineData("7203.T")]
    public void ParseJson_TickerAtTheLimits_IsAccepted(string ticker) =>
        Assert.True(Json($$"""{"ticker":"{{ticker}}","firm":"JPMorgan","action":"upgrade"}""").IsValid);

    [Theory]
    [InlineData("0")]
    [InlineData("-12")]
    [InlineData("0.0")]
    [InlineData("10000001")]
    public void ParseJson_NonPositiveOrHugeTarget_ReportsIt(string amount)
    {
        var error = SingleError(Json($$"""{"ticker":"CIFR","firm":"JPMorgan","toTarget":{{amount}}}"""));

        Assert.Equal("toTarget", error.Field);
        Assert.Equal(0, error.Index);
    }

    [Theory]
    [InlineData("\"12\"")]
    [InlineData("\"$12\"")]
    [InlineData("true")]
    [InlineData("[12]")]
    public void ParseJson_NonNumericTarget_ReportsMustBeNumber(string amount)
    {
        var error = SingleError(Json($$"""{"ticker":"CIFR","firm":"JPMorgan","fromTarget":{{amount}},"toTarget":18}"""));

        Assert.Equal("fromTarget", error.Field);
        Assert.Contains("number", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("up")]
    [InlineData("Upgrades")]
    [InlineData("target raise")]
    public void ParseJson_UnknownAction_ReportsActionAndListsTheWords(string action)
    {
        var error = SingleError(Json($$"""{"ticker":"CIFR","firm":"JPMorgan","action":"{{action}}"}"""));

        Assert.Equal("action", error.Field);
        Assert.Contains("target_raise", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("yesterday")]
    [InlineData("2025-13-45T99:00:00Z")]
    [InlineData("2025-12-02T13:30:00Zulu")]
    [InlineData("12/02/2025")]
    [InlineData("02/12/2025")]
    [InlineData("Tue, 02 Dec 2025 13:30:00 GMT")]
    public void ParseJson_UnparseableDate_ReportsPublishedAt(string date) =>
        Assert.Equal("publishedAt", SingleError(Json($$"""{"ticker":"CIFR","firm":"JPMorgan","action":"upgrade","publishedAt":"{{date}}"}""")).Field);

    [Theory]
    [InlineData("2025-12-02", "2025-12-02T00:00:00+00:00")]
    [InlineData("2025-12-02T13:30:00Z", "2025-12-02T13:30:00+00:00")]
    [InlineData("2025-12-02T08:30:00-05:00", "2025-12-02T13:30:00+00:00")]
    [InlineData("2025-12-02T13:30:00.1234567Z", "2025-12-02T13:30:00.1234567+00:00")]
    public void TryParseIsoDate_Iso8601_IsReadAsUtc(string text, string expected)
    {
        Assert.True(RatingChangeParser.TryParseIsoDate(text, out var value));
        Assert.Equal(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), value);
        Assert.Equal(TimeSpan.Zero, value.Offset);
    }

    [Fact]
    public void ParseJson_Utf8ByteOrderMark_IsSkipped()
    {
        var body = new byte[] { 0xEF, 0xBB, 0xBF }.Concat(Encoding.UTF8.GetBytes(Valid)).ToArray();

        Assert.True(RatingChangeParser.ParseJson(body, _time).IsValid);
        Assert.True(RatingChangeParser.ParseNdjson(body, _time).IsValid);
    }

    [Fact]
    public void ParseJson_DateMoreThanADayAhead_ReportsPublishedAt()
    {
        var tooLate = TestChanges.Now.AddDays(2).ToString("O");

        Assert.Equal("publishedAt", SingleError(Json($$"""{"ticker":"CIFR","firm":"JPMorgan","action":"upgrade","publishedAt":"{{tooLate}}"}""")).Field);
    }

    [Theory]
    [InlineData("ftp://example.com/story")]
    [InlineData("javascript:alert(1)")]
    [InlineData("example.com/story")]
    [InlineData("/story")]
    [InlineData("file:///etc/passwd")]
    public void ParseJson_UrlNotHttp_ReportsUrl(string url) =>
        Assert.Equal("url", SingleError(Json($$"""{"ticker":"CIFR","firm":"JPMorgan","action":"upgrade","url":"{{url}}"}""")).Field);

    [Fact]
    public void ParseJson_UrlTooLong_ReportsUrl()
    {
        var url = "https://example.com/" + new string('a', IngestLimits.MaxUrlLength);

        Assert.Equal("url", SingleError(Json($$"""{"ticker":"CIFR","firm":"JPMorgan","action":"upgrade","url":"{{url}}"}""")).Field);
    }

    [Theory]
    [InlineData("firm")]
    [InlineData("company")]
    [InlineData("analyst")]
    public void ParseJson_NameOver100Characters_ReportsIt(string field)
    {
        var body = $$"""{"ticker":"CIFR","firm":"JPMorgan","action":"upgrade","{{field}}":"{{new string('x', 101)}}"}""";

        Assert.Equal(field, SingleError(Json(body)).Field);
    }

    [Fact]
    public void ParseJson_ControlCharacterInName_ReportsIt() =>
        Assert.Equal("company", SingleError(Json("""{"ticker":"CIFR","firm":"JPMorgan","action":"upgrade","company":"Cipher\r\nBcc: x"}""")).Field);

    [Theory]
    [InlineData("US")]
    [InlineData("US$")]
    [InlineData("DOLLARS")]
    public void ParseJson_BadCurrency_ReportsCurrency(string currency) =>
        Assert.Equal("currency", SingleError(Json($$"""{"ticker":"CIFR","firm":"JPMorgan","toTarget":5,"currency":"{{currency}}"}""")).Field);

    [Fact]
    public void ParseJson_ItemThatSaysNothing_ReportsItem()
    {
        var error = SingleError(Json("""{"ticker":"CIFR","firm":"JPMorgan","company":"Cipher Mining"}"""));

        Assert.Equal(0, error.Index);
        Assert.Equal("item", error.Field);
    }

    [Fact]
    public void ParseJson_ArrayItemNotAnObject_ReportsItsIndex()
    {
        var result = Json($"[{Valid}, 42]");

        var error = SingleError(result);
        Assert.Equal(1, error.Index);
        Assert.Equal("item", error.Field);
    }

    [Fact]
    public void ParseJson_SeveralBadItems_ReportsEveryErrorWithItsIndexAtOnce()
    {
        var result = Json($$"""
            [
              {"ticker":"CI FR","firm":"JPMorgan","toTarget":"18"},
              {{Valid}},
              {"ticker":"MSFT","action":"sideways"}
            ]
            """);

        Assert.False(result.IsValid);
        Assert.Null(result.Value);
        Assert.Equal(
            [(0, "ticker"), (0, "toTarget"), (2, "firm"), (2, "action")],
            result.Errors.Select(e => (e.Index ?? -1, e.Field)));
    }

    [Fact]
    public void ParseJson_ThousandItems_IsAccepted()
    {
        var body = "[" + string.Join(',', Enumerable.Repeat(Valid, IngestLimits.MaxChanges)) + "]";

        var result = Json(body);

        Assert.True(result.IsValid);
        Assert.Equal(IngestLimits.MaxChanges, result.Value!.Count);
    }

    [Fact]
    public void ParseJson_OverThousandItems_ThrowsTooManyChanges()
    {
        var body = "[" + string.Join(',', Enumerable.Repeat(Valid, IngestLimits.MaxChanges + 1)) + "]";

        var ex = Assert.Throws<TooManyChangesException>(() => Json(body));
        Assert.Equal(IngestLimits.MaxChanges + 1, ex.Count);
    }

    [Fact]
    public void ParseNdjson_Lines_ReadsEachAndSkipsBlankLines()
    {
        var result = Ndjson($"\n{Valid}\r\n\r\n   \n{Valid.Replace("CIFR", "MSFT", StringComparison.Ordinal)}\n\t\n");

        Assert.True(result.IsValid);
        Assert.Equal(["CIFR", "MSFT"], result.Value!.Select(s => s.Ticker));
    }

    [Fact]
    public void ParseNdjson_NoTrailingNewline_ReadsLastLine() =>
        Assert.Equal(2, Ndjson($"{Valid}\n{Valid}").Value!.Count);

    [Fact]
    public void ParseNdjson_BadLine_ReportsItsIndex()
    {
        var result = Ndjson($"{Valid}\n\n{{\"ticker\":\n{Valid}\n");

        var error = SingleError(result);
        Assert.Equal(1, error.Index);
        Assert.Equal("line", error.Field);
    }

    [Fact]
    public void ParseNdjson_BadLineAndBadItem_ReportsBothInOrder()
    {
        var result = Ndjson($$"""
            {"ticker":"CIFR","action":"upgrade"}
            not json
            {{Valid}}
            """);

        Assert.False(result.IsValid);
        Assert.Equal([(0, "firm"), (1, "line")], result.Errors.Select(e => (e.Index ?? -1, e.Field)));
    }

    [Theory]
    [InlineData("")]
    [InlineData("\n\n")]
    [InlineData("  \r\n\t\n")]
    public void ParseNdjson_OnlyBlankLines_ReportsBody(string body)
    {
        var error = SingleError(Ndjson(body));

        Assert.Null(error.Index);
        Assert.Equal("body", error.Field);
    }

    [Fact]
    public void ParseNdjson_OverThousandLines_ThrowsTooManyChanges()
    {
        var body = string.Join('\n', Enumerable.Repeat(Valid, IngestLimits.MaxChanges + 1));

        Assert.Throws<TooManyChangesException>(() => Ndjson(body));
    }

    [Fact]
    public void ParseNdjson_ThousandLines_IsAccepted() =>
        Assert.Equal(IngestLimits.MaxChanges, Ndjson(string.Join('\n', Enumerable.Repeat(Valid, IngestLimits.MaxChanges))).Value!.Count);
}
