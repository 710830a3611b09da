using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Alerts.Functions.Tests;

[Collection(AlertsAppCollection.Name)]
public sealed class RatingsFunctionsTests(AlertsApp app)
{
    [Fact]
    public async Task PostRatings_SignedObject_StoresNormalizedChangeAndAnswers202()
    {
        var ticker = TestData.Ticker();

        var response = await app.PostRatingsAsync(TestData.Change(ticker.ToLowerInvariant()));

        Assert.Equal(StatusCodes.Status202Accepted, response.Status);
        var json = response.Json();
        Assert.Equal(1, json.GetProperty("accepted").GetInt32());
        Assert.Equal(0, json.GetProperty("duplicates").GetInt32());
        var change = json.GetProperty("changes")[0];
        Assert.Equal(ticker, change.GetProperty("ticker").GetString());
        Assert.Equal("JPMorgan", change.GetProperty("firm").GetString());
        Assert.Equal("upgrade", change.GetProperty("action").GetString());
        Assert.Equal(50m, change.GetProperty("targetChangePct").GetDecimal());
        Assert.False(string.IsNullOrEmpty(change.GetProperty("id").GetString()));

        var history = (await app.GetRatingsAsync($"?ticker={ticker}")).Json();
        Assert.Equal(change.GetProperty("id").GetString(), history.GetProperty("changes")[0].GetProperty("id").GetString());
    }

    [Fact]
    public async Task PostRatings_ArrayAndNdjson_StoreEveryChange()
    {
        var ticker = TestData.Ticker();
        var array = $"[{TestData.Change(ticker, firm: "Citi")},{TestData.Change(ticker, firm: "UBS")}]";
        var ndjson = TestData.Change(ticker, firm: "Barclays") + "\n\n" + TestData.Change(ticker, firm: "Jefferies") + "\n";

        var fromArray = await app.PostRatingsAsync(array);
        var fromNdjson = await app.PostRatingsAsync(ndjson, "application/x-ndjson");

        Assert.Equal(2, fromArray.Json().GetProperty("accepted").GetInt32());
        Assert.Equal(2, fromNdjson.Json().GetProperty("accepted").GetInt32());
        Assert.Equal(4, (await app.GetRatingsAsync($"?ticker={ticker}")).Json().GetProperty("count").GetInt32());
    }

    [Fact]
    public async Task PostRatings_SameChangeTwice_ReportsDuplicateAndStoresOnce()
    {
        var ticker = TestData.Ticker();
        var first = (await app.PostRatingsAsync(TestData.Change(ticker, id: "vendor-1"))).Json();

        var second = (await app.PostRatingsAsync(TestData.Change(ticker, id: "vendor-1"))).Json();

        Assert.Equal(0, second.GetProperty("accepted").GetInt32());
        Assert.Equal(1, second.GetProperty("duplicates").GetInt32());
        Assert.True(second.GetProperty("changes")[0].GetProperty("duplicate").GetBoolean());
        Assert.Equal(first.GetProperty("changes")[0].GetProperty("id").GetString(), second.GetProperty("changes")[0].GetProperty("id").GetString());
        Assert.Equal(1, (await app.GetRatingsAsync($"?ticker={ticker}")).Json().GetProperty("count").GetInt32());
    }

    [Fact]
    public async Task PostRatings_SameChangeFromTwoSourcesWithOtherFirmSpelling_StoredOnce()
    {
        var ticker = TestData.Ticker();
        await app.PostRatingsAsync(TestData.Change(ticker, firm: "JPMorgan Chase", id: "feed-a-17"));

        var second = (await app.PostRatingsAsync(TestData.Change(ticker, firm: "J.P. Morgan", id: "feed-b-99"))).Json();

        Assert.Equal(1, second.GetProperty("duplicates").GetInt32());
        Assert.Equal(1, (await app.GetRatingsAsync($"?ticker={ticker}")).Json().GetProperty("count").GetInt32());
    }

    [Fact]
    public async Task PostRatings_DryRun_AnswersTheSameAndStoresNothing()
    {
        var ticker = TestData.Ticker();

        var response = await app.PostRatingsAsync(TestData.Change(ticker), query: "?dryRun=true");

        Assert.Equal(StatusCodes.Status202Accepted, response.Status);
        Assert.Equal(1, response.Json().GetProperty("accepted").GetInt32());
        Assert.True(response.Json().GetProperty("dryRun").GetBoolean());
        Assert.Equal(0, (await app.GetRatingsAsync($"?ticker={ticker}")).Json().GetProperty("count").GetInt32());
    }

    /// <summary>
    /// Outside the 300 s window by a margin a slow test machine cannot eat (the request is signed against the wall clock,
    /// checked a moment later); the exact boundary is tested with a fake clock in WebhookSignatureTests.
    /// </summary>
    public static TheoryData<string, string?, int> RefusedSignatures => new()
    {
        { "unsigned", null, 0 },
        { "forged", "not-the-secret", 0 },
        { "stale", AlertsApp.Secret, -330 },
        { "from the future", AlertsApp.Secret, 330 },
    };

    [Theory]
    [MemberData(nameof(RefusedSignatures))]
    public async Task PostRatings_BadSignature_Answers401AndStoresNothing(string why, string? secret, int secondsOff)
    {
        var ticker = TestData.Ticker();

        var response = await app.PostRatingsAsync(TestData.Change(ticker), secret: secret, signedAt: DateTimeOffset.UtcNow.AddSeconds(secondsOff));

        Assert.True(response.Status == StatusCodes.Status401Unauthorized, why);
        Assert.Equal("application/problem+json", response.ContentType);
        Assert.Equal(0, (await app.GetRatingsAsync($"?ticker={ticker}")).Json().GetProperty("count").GetInt32());
    }

    [Fact]
    public async Task PostRatings_MalformedSignatureHeader_Answers401()
    {
        var response = await app.CallAsync(
            r => app.Ratings.PostAsync(r, CancellationToken.None), "POST", "/api/ratings", TestData.Change(TestData.Ticker()), "application/json",
            new Dictionary<string, string> { ["X-Alerts-Signature"] = "sha256=abc" });

        Assert.Equal(StatusCodes.Status401Unauthorized, response.Status);
    }

    [Fact]
    public async Task PostRatings_SignedWithRotatedSecret_IsAccepted()
    {
        var response = await app.PostRatingsAsync(TestData.Change(TestData.Ticker()), secret: AlertsApp.RotatedSecret);

        Assert.Equal(StatusCodes.Status202Accepted, response.Status);
    }

    [Fact]
    public async Task PostRatings_BatchWithOneBadItem_Answers400NamingItAndStoresNothing()
    {
        var ticker = TestData.Ticker();
        var batch = $"[{TestData.Change(ticker)},{{\"ticker\":\"{ticker}\",\"firm\":\"UBS\",\"toTarget\":-5}},{TestData.Change(ticker, firm: "Citi")}]";

        var response = await app.PostRatingsAsync(batch);

        Assert.Equal(StatusCodes.Status400BadRequest, response.Status);
        Assert.Equal("application/problem+json", response.ContentType);
        var error = response.Json().GetProperty("errors")[0];
        Assert.Equal(1, error.GetProperty("index").GetInt32());
        Assert.Equal("toTarget", error.GetProperty("field").GetString());
        Assert.Equal(0, (await app.GetRatingsAsync($"?ticker={ticker}")).Json().GetProperty("count").GetInt32());
    }

    [Theory]
    [InlineData("{not json", "body")]
    [InlineData("{\"firm\":\"UBS\",\"toRating\":\"Buy\"}", "ticker")]
    [InlineData("{\"ticker\":\"AAPL\",\"toRating\":\"Buy\"}", "firm")]
    [InlineData("{\"ticker\":\"AA$PL\",\"firm\":\"UBS\",\"toRating\":\"Buy\"}", "ticker")]
    [InlineData("{\"ticker\":\"AAPL\",\"firm\":\"UBS\",\"toTarget\":\"12\"}", "toTarget")]
    [InlineData("{\"ticker\":\"AAPL\",\"firm\":\"UBS\",\"toTarget\":0}", "toTarget")]
    [InlineData("{\"ticker\":\"AAPL\",\"firm\":\"UBS\",\"action\":\"moon\"}", "action")]
    [InlineData("{\"ticker\":\"AAPL\",\"firm\":\"UBS\",\"toRating\":\"Buy\",\"publishedAt\":\"yesterday\"}", "publishedAt")]
    [InlineData("{\"ticker\":\"AAPL\",\"firm\":\"UBS\",\"toRating\":\"Buy\",\"url\":\"javascript:alert(1)\"}", "url")]
    public async Task PostRatings_BadInput_Answers400NamingTheField(string body, string field)
    {
        var response = await app.PostRatingsAsync(body);

        Assert.Equal(StatusCodes.Status400BadRequest, response.Status);
        Assert.Equal("application/problem+json", response.ContentType);
        Assert.Contains(response.Json().GetProperty("errors").EnumerateArray(), e => e.GetProperty("field").GetString() == field);
    }

    [Fact]
    public async Task PostRatings_BodyOverOneMebibyte_Answers413()
    {
        var body = "[" + string.Join(',', Enumerable.Repeat(TestData.Change("AAPL"), 1024 * 1024 / 100)) + "]";
        Assert.True(Encoding.UTF8.GetByteCount(body) > 1024 * 1024);

        var response = await app.PostRatingsAsync(body);

        Assert.Equal(StatusCodes.Status413PayloadTooLarge, response.Status);
        Assert.Equal("application/problem+json", response.ContentType);
    }

    [Fact]
    public async Task PostRatings_MoreThanAThousandChanges_Answers413AndStoresNothing()
    {
        var ticker = TestData.Ticker();
        var body = "[" + string.Join(',', Enumerable.Range(0, 1001).Select(i => $"{{\"ticker\":\"{ticker}\",\"firm\":\"F{i}\",\"toRating\":\"Buy\"}}")) + "]";

        var response = await app.PostRatingsAsync(body);

        Assert.Equal(StatusCodes.Status413PayloadTooLarge, response.Status);
        Assert.Equal(0, (await app.GetRatingsAsync($"?ticker={ticker}")).Json().GetProperty("count").GetInt32());
    }

    [Fact]
    public async Task PostRatings_UnsupportedMediaType_Answers415()
    {
        var response = await app.PostRatingsAsync("<xml/>", "application/xml");

        Assert.Equal(StatusCodes.Status415UnsupportedMediaType, response.Status);
    }

    [Fact]
    public async Task GetRatings_SinceAndLimit_ReturnNewestFirstWithinRange()
    {
        var ticker = TestData.Ticker();
        var now = DateTimeOffset.UtcNow;
        var batch = "[" + string.Join(',', Enumerable.Range(1, 5).Select(d => TestData.Change(ticker, firm: $"Firm {d}", publishedAt: now.AddHours(-d).ToString("O")))) + "]";
        await app.PostRatingsAsync(batch);

        var limited = (await app.GetRatingsAsync($"?ticker={ticker}&limit=2")).Json().GetProperty("changes");
        var since = (await app.GetRatingsAsync($"?ticker={ticker}&since={Uri.EscapeDataString(now.AddHours(-3.5).ToString("O"))}")).Json().GetProperty("changes");

        Assert.Equal(["Firm 1", "Firm 2"], limited.EnumerateArray().Select(c => c.GetProperty("firm").GetString()));
        Assert.Equal(["Firm 1", "Firm 2", "Firm 3"], since.EnumerateArray().Select(c => c.GetProperty("firm").GetString()));
    }

    [Theory]
    [InlineData("", "ticker")]
    [InlineData("?ticker=A%27%20or%20PartitionKey%20ne%20%27", "ticker")]
    [InlineData("?ticker=AAPL&limit=0", "limit")]
    [InlineData("?ticker=AAPL&limit=1001", "limit")]
    [InlineData("?ticker=AAPL&since=soon", "since")]
    public async Task GetRatings_BadQuery_Answers400(string query, string field)
    {
        var response = await app.GetRatingsAsync(query);

        Assert.Equal(StatusCodes.Status400BadRequest, response.Status);
        Assert.Contains(response.Json().GetProperty("errors").EnumerateArray(), e => e.GetProperty("field").GetString() == field);
    }
}
