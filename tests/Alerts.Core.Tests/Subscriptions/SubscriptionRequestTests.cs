using System.Text;
using System.Text.Json;
using Alerts.Core.Ratings;
using Alerts.Core.Subscriptions;

namespace Alerts.Core.Tests.Subscriptions;

public class SubscriptionRequestTests
{
    private static Validated<SubscriptionRequest> Parse(string body) =>
        SubscriptionRequest.Parse(Encoding.UTF8.GetBytes(body), FirmDirectory.Default);

    /// <summary>A body with a valid email and tickers, and <paramref name="extra"/> JSON members added.</summary>
    private static Validated<SubscriptionRequest> ParseWith(string extra) =>
        Parse($$"""{"email":"ana@example.com","tickers":["CIFR"]{{(extra.Length == 0 ? "" : "," + extra)}}}""");

    private static Validated<SubscriptionRequest> ParseEmail(string email) =>
        Parse($$"""{"email":{{JsonSerializer.Serialize(email)}},"tickers":["CIFR"]}""");

    private static ValidationError SingleError(Validated<SubscriptionRequest> result)
    {
        Assert.False(result.IsValid);
        Assert.Null(result.Value);
        var error = Assert.Single(result.Errors);
        Assert.Null(error.Index);
        return error;
    }

    [Fact]
    public void Parse_MinimalBody_IsValidWithEmptyRules()
    {
        var result = Parse("""{"email":"ana@example.com","tickers":["cifr"]}""");

        Assert.True(result.IsValid);
        var request = result.Value!;
        Assert.Equal("ana@example.com", request.Email);
        Assert.Equal(["CIFR"], request.Tickers);
        Assert.Empty(request.Rules.Actions);
        Assert.Empty(request.Rules.Firms);
        Assert.Null(request.Rules.MinTargetChangePct);
        Assert.Equal(SubscriberRules.Any, request.Rules);
    }

    [Fact]
    public void Parse_FullBody_ReadsEveryRule()
    {
        var result = Parse("""
            {"email":"ana@example.com","tickers":["CIFR","brk.b"],"actions":["upgrade","target_cut"],
             "firms":["JPMorgan"],"minTargetChangePct":10}
            """);

        Assert.True(result.IsValid);
        var request = result.Value!;
        Assert.Equal(["CIFR", "BRK.B"], request.Tickers);
        Assert.Equal([RatingAction.Upgrade, RatingAction.TargetCut], request.Rules.Actions);
        Assert.Equal(["JPMorgan"], request.Rules.Firms);
        Assert.Equal(10m, request.Rules.MinTargetChangePct);
    }

    [Fact]
    public void Parse_EmailDomain_IsLowerCasedAndLocalPartKept() =>
        Assert.Equal("Ana.Smith@example.com", ParseEmail("  Ana.Smith@EXAMPLE.Com ").Value!.Email);

    [Theory]
    [InlineData("""{"tickers":["CIFR"]}""")]
    [InlineData("""{"email":null,"tickers":["CIFR"]}""")]
    [InlineData("""{"email":"","tickers":["CIFR"]}""")]
    [InlineData("""{"email":"   ","tickers":["CIFR"]}""")]
    public void Parse_EmailMissing_ReportsEmailRequired(string body)
    {
        var error = SingleError(Parse(body));

        Assert.Equal("email", error.Field);
        Assert.Contains("required", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"email":42,"tickers":["CIFR"]}""")]
    [InlineData("""{"email":["ana@example.com"],"tickers":["CIFR"]}""")]
    public void Parse_EmailNotAString_ReportsEmail(string body) =>
        Assert.Equal("email", SingleError(Parse(body)).Field);

    [Theory]
    [InlineData("not-an-email")]
    [InlineData("ana@")]
    [InlineData("@example.com")]
    [InlineData("ana@example")]
    [InlineData("ana@example.com.")]
    [InlineData("ana@@example.com")]
    [InlineData("ana@-example.com")]
    [InlineData("ana@example-.com")]
    [InlineData("ana@[127.0.0.1]")]
    [InlineData("ana@127.0.0.1")]
    [InlineData("ana@example.com\r\nBcc: victim@example.org")]
    [InlineData("ana@example.com\nBcc: victim@example.org")]
    [InlineData("Ana <ana@example.com>")]
    [InlineData("\"Ana\" ana@example.com")]
    [InlineData("<ana@example.com>")]
    [InlineData("ana@example.com, bob@example.com")]
    [InlineData("ana@example.com,bob@example.com")]
    [InlineData("ana@example.com;bob@example.com")]
    [InlineData("ana smith@example.com")]
    public void Parse_InvalidEmail_ReportsEmail(string email) =>
        Assert.Equal("email", SingleError(ParseEmail(email)).Field);

    [Fact]
    public void Parse_EmailOver254Characters_ReportsEmail()
    {
        var email = new string('a', 64) + "@" + string.Join('.', Enumerable.Repeat(new string('b', 60), 3)) + ".example.com";
        Assert.True(email.Length > 254);

        var error = SingleError(ParseEmail(email));

        Assert.Equal("email", error.Field);
        Assert.Contains("254", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_Email254Characters_IsValid()
    {
        var domain = string.Join('.', Enumerable.Repeat(new string('b', 61), 3)) + ".com"; // 189
        var email = new string('a', 254 - domain.Length - 1) + "@" + domain;
        Assert.Equal(254, email.Length);

        Assert.True(ParseEmail(email).IsValid);
    }

    [Theory]
    [InlineData("""{"email":"ana@example.com"}""")]
    [InlineData("""{"email":"ana@example.com","tickers":null}""")]
    [InlineData("""{"email":"ana@example.com","tickers":[]}""")]
    [InlineData("""{"email":"ana@example.com","tickers":"CIFR"}""")]
    public void Parse_TickersMissingEmptyOrNotAnArray_ReportsTickers(string body) =>
        Assert.Equal("tickers", SingleError(Parse(body)).Field);

    [Fact]
    public void Parse_Over500Tickers_ReportsTickers()
    {
        var tickers = JsonSerializer.Serialize(Enumerable.Range(0, 501).Select(i => $"T{i}"));

        var error = SingleError(Parse($$"""{"email":"ana@example.com","tickers":{{tickers}}}"""));

        Assert.Equal("tickers", error.Field);
        Assert.Contains("501", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_500Tickers_IsValid()
    {
        var tickers = JsonSerializer.Serialize(Enumerable.Range(0, 500).Select(i => $"T{i}"));

        Assert.Equal(500, Parse($$"""{"email":"ana@example.com","tickers":{{tickers}}}""").Value!.Tickers.Count);
    }

    [Theory]
    [InlineData("\"CI FR\"")]
    [InlineData("\"$CIFR\"")]
    [InlineData("\"ABCDEFGHIJKLM\"")]
    [InlineData("\"\"")]
    [InlineData("42")]
    [InlineData("null")]
    public void Parse_BadTicker_ReportsItsPosition(string bad) =>
        Assert.Equal("tickers[1]", SingleError(Parse($$"""{"email":"ana@example.com","tickers":["CIFR",{{bad}},"MSFT"]}""")).Field);

    [Fact]
    public void Parse_SeveralBadTickers_ReportsEach()
    {
        var result = Parse("""{"email":"ana@example.com","tickers":["C F","CIFR","$X"]}""");

        Assert.Equal(["tickers[0]", "tickers[2]"], result.Errors.Select(e => e.Field));
    }

    [Fact]
    public void Parse_DuplicateTickers_AreCollapsedAndUpperCased() =>
        Assert.Equal(["CIFR", "BRK.B", "MSFT"], Parse("""{"email":"ana@example.com","tickers":["cifr","BRK.B","CIFR"," msft ","brk.b"]}""").Value!.Tickers);

    [Theory]
    [InlineData("\"sideways\"")]
    [InlineData("\"up\"")]
    [InlineData("42")]
    [InlineData("null")]
    public void Parse_UnknownAction_ReportsItsPosition(string bad)
    {
        var error = SingleError(ParseWith($"\"actions\":[\"upgrade\",{bad}]"));

        Assert.Equal("actions[1]", error.Field);
        Assert.Contains("target_cut", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_ActionsNotAnArray_ReportsActions() =>
        Assert.Equal("actions", SingleError(ParseWith("\"actions\":\"upgrade\"")).Field);

    [Fact]
    public void Parse_DuplicateActionsAnyCase_AreCollapsed() =>
        Assert.Equal([RatingAction.Downgrade, RatingAction.Upgrade], ParseWith("\"actions\":[\"downgrade\",\"UPGRADE\",\"upgrade\"]").Value!.Rules.Actions);

    [Fact]
    public void Parse_Firms_AreCanonicalizedAndCollapsed() =>
        Assert.Equal(
            ["JPMorgan", "BofA Securities", "Tiny Boutique"],
            ParseWith("\"firms\":[\"J.P. Morgan\",\"JPM\",\"Merrill Lynch\",\"BofA\",\" Tiny   Boutique \"]").Value!.Rules.Firms);

    [Theory]
    [InlineData("\"firms\":[\"\"]", "firms[0]")]
    [InlineData("\"firms\":[42]", "firms[0]")]
    [InlineData("\"firms\":\"JPMorgan\"", "firms")]
    public void Parse_BadFirms_ReportsThem(string member, string field) =>
        Assert.Equal(field, SingleError(ParseWith(member)).Field);

    [Fact]
    public void Parse_FirmOver100Characters_ReportsIt() =>
        Assert.Equal("firms[0]", SingleError(ParseWith($"\"firms\":[\"{new string('x', 101)}\"]")).Field);

    [Theory]
    [InlineData("0")]
    [InlineData("-5")]
    [InlineData("1000.01")]
    [InlineData("\"10\"")]
    [InlineData("true")]
    public void Parse_MinTargetChangePctOutOfRange_ReportsIt(string value) =>
        Assert.Equal("minTargetChangePct", SingleError(ParseWith($"\"minTargetChangePct\":{value}")).Field);

    [Theory]
    [InlineData("0.5", 0.5)]
    [InlineData("20", 20.0)]
    [InlineData("1000", 1000.0)]
    public void Parse_MinTargetChangePctInRange_IsKept(string value, double expected) =>
        Assert.Equal((decimal)expected, ParseWith($"\"minTargetChangePct\":{value}").Value!.Rules.MinTargetChangePct);

    [Fact]
    public void Parse_MinTargetChangePctNull_IsNoMinimum() =>
        Assert.Null(ParseWith("\"minTargetChangePct\":null").Value!.Rules.MinTargetChangePct);

    [Theory]
    [InlineData("{")]
    [InlineData("")]
    [InlineData("[]")]
    [InlineData("\"ana@example.com\"")]
    public void Parse_NotAJsonObject_ReportsBody(string body) =>
        Assert.Equal("body", SingleError(Parse(body)).Field);

    [Fact]
    public void Parse_SeveralProblems_ReportsAllAtOnce()
    {
        var result = Parse("""{"email":"nope","tickers":[],"actions":["sideways"],"minTargetChangePct":0}""");

        Assert.False(result.IsValid);
        Assert.Equal(["email", "tickers", "actions[0]", "minTargetChangePct"], result.Errors.Select(e => e.Field));
    }

    [Fact]
    public void Parse_NewRules_AreRead()
    {
        var request = ParseWith("\"excludeFirms\":[\"Citigroup\",\"citi\"],\"minRating\":\"BUY\",\"direction\":\" Positive \",\"paused\":true").Value!;

        Assert.Equal(["Citi"], request.Rules.ExcludeFirms);
        Assert.Equal(RatingLevel.Buy, request.Rules.MinRating);
        Assert.Equal(NewsDirection.Positive, request.Rules.Direction);
        Assert.True(request.Rules.Paused);
    }

    [Theory]
    [InlineData("strong_sell", RatingLevel.StrongSell)]
    [InlineData("sell", RatingLevel.Sell)]
    [InlineData("hold", RatingLevel.Hold)]
    [InlineData("buy", RatingLevel.Buy)]
    [InlineData("strong_buy", RatingLevel.StrongBuy)]
    public void Parse_MinRating_EveryLevelOfTheScale(string name, RatingLevel expected) =>
        Assert.Equal(expected, ParseWith($"\"minRating\":\"{name}\"").Value!.Rules.MinRating);

    [Theory]
    [InlineData("\"unknown\"")]
    [InlineData("\"bullish\"")]
    [InlineData("\"Overweight\"")]
    [InlineData("\"\"")]
    [InlineData("4")]
    [InlineData("true")]
    [InlineData("[\"buy\"]")]
    public void Parse_BadMinRating_ReportsIt(string value)
    {
        var error = SingleError(ParseWith($"\"minRating\":{value}"));

        Assert.Equal("minRating", error.Field);
        Assert.Contains("strong_buy", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("positive", NewsDirection.Positive)]
    [InlineData("negative", NewsDirection.Negative)]
    [InlineData("any", NewsDirection.Any)]
    [InlineData("NEGATIVE", NewsDirection.Negative)]
    public void Parse_Direction_IsRead(string name, NewsDirection expected) =>
        Assert.Equal(expected, ParseWith($"\"direction\":\"{name}\"").Value!.Rules.Direction);

    [Theory]
    [InlineData("\"up\"")]
    [InlineData("\"bullish\"")]
    [InlineData("\"neutral\"")]
    [InlineData("1")]
    [InlineData("{}")]
    public void Parse_BadDirection_ReportsIt(string value)
    {
        var error = SingleError(ParseWith($"\"direction\":{value}"));

        Assert.Equal("direction", error.Field);
        Assert.Contains("positive, negative, any", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\"true\"")]
    [InlineData("1")]
    [InlineData("[]")]
    public void Parse_PausedNotABoolean_ReportsIt(string value) =>
        Assert.Equal("paused", SingleError(ParseWith($"\"paused\":{value}")).Field);

    [Theory]
    [InlineData("\"excludeFirms\":[\"\"]", "excludeFirms[0]")]
    [InlineData("\"excludeFirms\":[\"UBS\",7]", "excludeFirms[1]")]
    [InlineData("\"excludeFirms\":\"UBS\"", "excludeFirms")]
    [InlineData("\"excludeFirms\":{\"name\":\"UBS\"}", "excludeFirms")]
    public void Parse_BadExcludeFirms_ReportsThem(string member, string field) =>
        Assert.Equal(field, SingleError(ParseWith(member)).Field);

    [Fact]
    public void Parse_Over100ExcludedFirms_ReportsExcludeFirms() =>
        Assert.Equal("excludeFirms", SingleError(ParseWith("\"excludeFirms\":" + JsonSerializer.Serialize(Enumerable.Range(0, 101).Select(i => $"F{i}")))).Field);

    [Fact]
    public void Parse_FirmBothIncludedAndExcluded_ReportsTheExcludedOne()
    {
        var error = SingleError(ParseWith("\"firms\":[\"UBS\",\"J.P. Morgan\"],\"excludeFirms\":[\"Citi\",\"JPM\"]"));

        Assert.Equal("excludeFirms[1]", error.Field);
        Assert.Contains("both", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_NullRules_AreNoRules() =>
        Assert.Equal(
            SubscriberRules.Any,
            ParseWith("\"actions\":null,\"firms\":null,\"excludeFirms\":null,\"minTargetChangePct\":null,\"minRating\":null,\"direction\":null,\"paused\":null").Value!.Rules);

    [Fact]
    public void Parse_EveryRuleWrongAtOnce_NamesEachField()
    {
        var result = ParseWith("\"actions\":[\"moon\"],\"firms\":\"UBS\",\"excludeFirms\":[1],\"minTargetChangePct\":0,\"minRating\":\"great\",\"direction\":\"up\",\"paused\":\"no\"");

        Assert.Equal(["actions[0]", "firms", "excludeFirms[0]", "minTargetChangePct", "minRating", "direction", "paused"], result.Errors.Select(e => e.Field));
    }
}
