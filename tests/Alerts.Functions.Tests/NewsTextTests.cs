using Alerts.Core.Security;
using Microsoft.AspNetCore.Http;

namespace Alerts.Functions.Tests;

/// <summary><c>POST /api/ratings</c> with <c>text/plain</c>: headlines and articles read into rating changes.</summary>
[Collection(AlertsAppCollection.Name)]
public sealed class NewsTextTests(AlertsApp app)
{
    [Fact]
    public async Task Headline_IsReadIntoAChangeThatCarriesItsSentence()
    {
        const string Headline = "JPMorgan upgrades Cipher Mining (CIFR) to Overweight from Neutral, raises PT to $18 from $12";

        var response = await app.PostRatingsAsync(Headline, "text/plain; charset=utf-8", query: "?dryRun=true");

        Assert.Equal(StatusCodes.Status202Accepted, response.Status);
        var change = Assert.Single(response.Json().GetProperty("changes").EnumerateArray());
        Assert.Equal("CIFR", change.GetProperty("ticker").GetString());
        Assert.Equal("JPMorgan", change.GetProperty("firm").GetString());
        Assert.Equal("upgrade", change.GetProperty("action").GetString());
        Assert.Equal(12m, change.GetProperty("fromTarget").GetDecimal());
        Assert.Equal(18m, change.GetProperty("toTarget").GetDecimal());
        Assert.Equal(Headline, change.GetProperty("sentence").GetString());
        Assert.Empty(response.Json().GetProperty("unresolved").EnumerateArray());
    }

    [Fact]
    public async Task UnlistedCompany_IsAnsweredUnresolvedWithWhatWasRead()
    {
        const string Headline = "Banca Mediolanum price target raised to $34 from $28 at JPMorgan";

        var response = await app.PostRatingsAsync(Headline, "text/plain");

        Assert.Equal(StatusCodes.Status202Accepted, response.Status);
        var json = response.Json();
        Assert.Equal(0, json.GetProperty("accepted").GetInt32());
        Assert.Empty(json.GetProperty("changes").EnumerateArray());
        Assert.Contains("could not be completed", json.GetProperty("message").GetString(), StringComparison.Ordinal);
        var unresolved = Assert.Single(json.GetProperty("unresolved").EnumerateArray());
        Assert.Equal("Banca Mediolanum", unresolved.GetProperty("company").GetString());
        Assert.Equal("JPMorgan", unresolved.GetProperty("firm").GetString());
        Assert.Equal("target_raise", unresolved.GetProperty("action").GetString());
        Assert.Equal(28m, unresolved.GetProperty("fromTarget").GetDecimal());
        Assert.Equal(34m, unresolved.GetProperty("toTarget").GetDecimal());
        Assert.Equal("USD", unresolved.GetProperty("currency").GetString());
        Assert.Equal(Headline, unresolved.GetProperty("sentence").GetString());
        Assert.Equal(["ticker"], unresolved.GetProperty("missing").EnumerateArray().Select(m => m.GetString()));
    }

    [Fact]
    public async Task TextWithAListedAndAnUnlistedCompany_StoresOnlyTheListedOne()
    {
        var ticker = TestData.Ticker();
        var text = $"BofA downgraded Example Holdings ({ticker}) from Buy to Neutral and Asbury Auto from Neutral to Underperform";

        var response = await app.PostRatingsAsync(text, "text/plain");

        Assert.Equal(StatusCodes.Status202Accepted, response.Status);
        var json = response.Json();
        Assert.Equal(1, json.GetProperty("accepted").GetInt32());
        Assert.Equal(ticker, Assert.Single(json.GetProperty("changes").EnumerateArray()).GetProperty("ticker").GetString());
        var unresolved = Assert.Single(json.GetProperty("unresolved").EnumerateArray());
        Assert.Equal("Asbury Auto", unresolved.GetProperty("company").GetString());
        Assert.Equal("Neutral", unresolved.GetProperty("fromRating").GetString());
        Assert.Equal("Underperform", unresolved.GetProperty("toRating").GetString());
        Assert.Equal("downgrade", unresolved.GetProperty("action").GetString());
        var history = (await app.GetRatingsAsync($"?ticker={ticker}")).Json().GetProperty("changes").EnumerateArray().ToList();
        var stored = Assert.Single(history);
        Assert.Equal("Buy", stored.GetProperty("fromRating").GetString());
        Assert.Equal("Neutral", stored.GetProperty("toRating").GetString());
    }

    [Fact]
    public async Task PencePriceTargetOfAnUnlistedCompany_KeepsItsCurrencyAsPence()
    {
        var response = await app.PostRatingsAsync("JPMORGAN CUTS TARGET FOR BABCOCK TO 335 PENCE FROM 400 PENCE", "text/plain", query: "?dryRun=true");

        var unresolved = Assert.Single(response.Json().GetProperty("unresolved").EnumerateArray());
        Assert.Equal("GBp", unresolved.GetProperty("currency").GetString());
        Assert.Equal(335m, unresolved.GetProperty("toTarget").GetDecimal());
        Assert.Equal(400m, unresolved.GetProperty("fromTarget").GetDecimal());
    }

    [Fact]
    public async Task JsonPost_CarriesNoUnresolvedList()
    {
        var response = await app.PostRatingsAsync(TestData.Change(TestData.Ticker()), "application/json", query: "?dryRun=true");

        Assert.Equal(StatusCodes.Status202Accepted, response.Status);
        Assert.False(response.Json().TryGetProperty("unresolved", out _));
    }

    [Fact]
    public async Task Article_WithTwoChanges_StoresBothWithTheirSentences()
    {
        var ticker = TestData.Ticker();
        var article =
            $"Analysts at H.C. Wainwright raised their price target on Example Holdings ({ticker}) to $24 from $20 on Tuesday. " +
            $"Separately, Needham downgraded Example Holdings ({ticker}) to Hold from Buy.";

        var response = await app.PostRatingsAsync(article, "text/plain");

        Assert.Equal(StatusCodes.Status202Accepted, response.Status);
        Assert.Equal(2, response.Json().GetProperty("accepted").GetInt32());
        var history = (await app.GetRatingsAsync($"?ticker={ticker}")).Json().GetProperty("changes").EnumerateArray().ToList();
        Assert.Equal(2, history.Count);
        Assert.Contains(history, c => c.GetProperty("action").GetString() == "target_raise" && c.GetProperty("sentence").GetString()!.Contains("H.C. Wainwright", StringComparison.Ordinal));
        Assert.Contains(history, c => c.GetProperty("action").GetString() == "downgrade" && c.GetProperty("firm").GetString() == "Needham");
    }

    [Fact]
    public async Task TextWithoutARatingChange_Answers202WithNothingAcceptedAndSaysSo()
    {
        var response = await app.PostRatingsAsync("Apple event will reveal shift to premium products: analyst", "text/plain");

        Assert.Equal(StatusCodes.Status202Accepted, response.Status);
        Assert.Equal(0, response.Json().GetProperty("accepted").GetInt32());
        Assert.Contains("No rating change", response.Json().GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Empty(response.Json().GetProperty("unresolved").EnumerateArray());
    }

    [Theory]
    [InlineData(new byte[] { 0x4A, 0x50, 0xC3, 0x28, 0x20, 0x75, 0x70 })]
    [InlineData(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A })]
    [InlineData(new byte[] { 0x55, 0x42, 0x53, 0x00, 0x00, 0x01 })]
    public async Task NotUtf8TextOrBinary_Answers400(byte[] body)
    {
        var context = new DefaultHttpContext { RequestServices = app.Services };
        context.Request.Method = "POST";
        context.Request.Path = "/api/ratings";
        context.Request.ContentType = "text/plain";
        context.Request.Body = new MemoryStream(body);
        context.Request.ContentLength = body.Length;
        context.Request.Headers[WebhookSignature.HeaderName] = WebhookSignature.Sign(AlertsApp.Secret, DateTimeOffset.UtcNow.ToUnixTimeSeconds(), body);
        context.Response.Body = new MemoryStream();

        var result = await app.Ratings.PostAsync(context.Request, CancellationToken.None);
        await result.ExecuteAsync(context);

        Assert.Equal(StatusCodes.Status400BadRequest, context.Response.StatusCode);
        Assert.Equal("application/problem+json", context.Response.ContentType);
    }

    [Fact]
    public async Task TextOverOneMebibyte_Answers413()
    {
        var response = await app.PostRatingsAsync(new string('x', 1024 * 1024 + 1), "text/plain");

        Assert.Equal(StatusCodes.Status413PayloadTooLarge, response.Status);
    }
}
