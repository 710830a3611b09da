using Alerts.Feeds.Tests.TestSupport;
using Alerts.Infrastructure.Feeds;
using Alerts.Testing;
using Microsoft.Extensions.Logging;

namespace Alerts.Feeds.Tests.Http;

/// <summary>
/// Timeouts, 429 and 5xx against a real local server, through a Finnhub source (every source shares the same client
/// pipeline). Delays are real and short: retry delay 20 ms, timeout as set per test.
/// </summary>
public sealed class FeedHttpResilienceTests : IAsyncLifetime
{
    /// <summary>Finnhub's documented sample, moved so that its newest record is the day before the test clock's.</summary>
    private static readonly string Sample = VendorSample.Rewrite(
        VendorSample.FinnhubBynd, VendorSample.DaysBetween(new DateOnly(2019, 9, 6), DateOnly.FromDateTime(TestClock.FixtureNow.UtcDateTime).AddDays(-1)));

    private CaptureServer _server = null!;
    private readonly ManualResetEventSlim _released = new();
    private int _calls;

    public async Task InitializeAsync() => _server = await CaptureServer.StartAsync();

    public async Task DisposeAsync()
    {
        _released.Set();
        await _server.DisposeAsync();
        _released.Dispose();
    }

    private FeedTestHost Host(Action<FeedSettings>? tune = null)
    {
        var settings = new FeedSettings().Source("finnhub-main", "Finnhub", baseUrl: _server.BaseUrl, symbols: "BYND", lookbackDays: 60);
        tune?.Invoke(settings);
        return FeedTestHost.Create(settings);
    }

    /// <summary>Answers the first <paramref name="failures"/> calls with <paramref name="failure"/>, then the fixture.</summary>
    private void FailFirst(int failures, Func<(int Status, string? Body, IDictionary<string, string>? Headers)> failure) =>
        _server.SetResponder(_ => Interlocked.Increment(ref _calls) <= failures
            ? failure()
            : Responses.Json(Sample));

    [Fact]
    public async Task PollAsync_TooManyRequestsWithRetryAfter_WaitsAsAskedThenSucceeds()
    {
        FailFirst(1, () => Responses.Status(429, """{"error":"API limit reached. Please try again later."}""", new Dictionary<string, string> { ["Retry-After"] = "1" }));
        await using var host = Host();

        var poll = await host.Source("finnhub-main").PollAsync(null, CancellationToken.None);

        Assert.Equal(3, poll.Changes.Count);
        var requests = _server.Requests;
        Assert.Equal(2, requests.Count);
        Assert.True(requests[1].ReceivedAt - requests[0].ReceivedAt >= TimeSpan.FromMilliseconds(900), "Retry-After: 1 was not honoured");
        Assert.Single(host.Logged(LogLevel.Warning, "answered 429 (Retry-After 1 s); retry 1 of 3"));
    }

    [Fact]
    public async Task PollAsync_ServerErrorTwiceThenOk_Succeeds()
    {
        FailFirst(2, () => Responses.Status(500, "Internal Server Error"));
        await using var host = Host();

        var poll = await host.Source("finnhub-main").PollAsync(null, CancellationToken.None);

        Assert.Equal(3, poll.Changes.Count);
        Assert.Equal(3, _server.Requests.Count);
        Assert.Equal(2, host.Logged(LogLevel.Warning, "answered 500").Count);
    }

    [Fact]
    public async Task PollAsync_ServerErrorEveryTime_FailsAfterTheRetriesWithoutLeakingTheKey()
    {
        _server.SetResponder(_ => Responses.Status(503, "upstream down"));
        await using var host = Host();

        var error = await Assert.ThrowsAsync<FeedUnavailableException>(() => host.Source("finnhub-main").PollAsync(null, CancellationToken.None));

        Assert.Equal(1 + 3, _server.Requests.Count);
        Assert.Contains("503", error.Message);
        Assert.Contains("upstream down", error.Message);
        Assert.DoesNotContain(FeedSettings.ApiKey, error.Message);
        Assert.DoesNotContain(host.Logs.Entries, e => e.Message.Contains(FeedSettings.ApiKey, StringComparison.Ordinal));
    }

    [Fact]
    public async Task PollAsync_AnswerSlowerThanTheTimeout_IsAbandonedAndRetried()
    {
        // The first call is answered only once the test is over, so the fixture can only have come from the retry; the
        // timeout leaves the retry's immediate answer ample time even on a loaded machine.
        _server.SetResponder(_ =>
        {
            if (Interlocked.Increment(ref _calls) == 1)
            {
                _released.Wait(TimeSpan.FromSeconds(30));
            }

            return Responses.Json(Sample);
        });
        await using var host = Host(s => s.Set("Feeds:RequestTimeoutSeconds", 2));

        var poll = await host.Source("finnhub-main").PollAsync(null, CancellationToken.None);

        Assert.Equal(3, poll.Changes.Count);
        Assert.Equal(2, _server.Requests.Count);
        Assert.False(_released.IsSet);
        Assert.Single(host.Logged(LogLevel.Warning, "the request timed out; retry 1 of 3"));
    }

    [Fact]
    public async Task PollAsync_TimesOutEveryTime_FailsAsUnavailable()
    {
        // Far beyond the 0.2 s timeout, so that a loaded machine cannot deliver the answer before the timeout fires.
        _server.SetResponder(_ =>
        {
            Thread.Sleep(TimeSpan.FromSeconds(2));
            return Responses.Json("[]");
        });
        await using var host = Host(s => s.Set("Feeds:RequestTimeoutSeconds", 0.2).Set("Feeds:MaxRetries", 1));

        var error = await Assert.ThrowsAsync<FeedUnavailableException>(() => host.Source("finnhub-main").PollAsync(null, CancellationToken.None));

        Assert.Contains("did not answer within 0.2 s", error.Message);
        Assert.Equal(2, _server.Requests.Count);
    }

    [Fact]
    public async Task PollAsync_RetryAfterLongerThanTheCap_IsNotWaitedForAndNotCalledAgainBeforeThen()
    {
        _server.SetResponder(_ => Responses.Status(429, null, new Dictionary<string, string> { ["Retry-After"] = "600" }));
        await using var host = Host();
        var source = host.Source("finnhub-main");

        var first = await Assert.ThrowsAsync<FeedUnavailableException>(() => source.PollAsync(null, CancellationToken.None));
        var second = await Assert.ThrowsAsync<FeedUnavailableException>(() => source.PollAsync(null, CancellationToken.None));

        Assert.Single(_server.Requests);
        Assert.Contains("asked to wait 600 s", first.Message);
        Assert.Contains("not called", second.Message);
    }

    [Theory]
    [InlineData(400)]
    [InlineData(404)]
    public async Task PollAsync_ClientError_IsNotRetried(int status)
    {
        _server.SetResponder(_ => Responses.Status(status, """{"error":"Invalid API key"}"""));
        await using var host = Host();

        var error = await Assert.ThrowsAsync<FeedUnavailableException>(() => host.Source("finnhub-main").PollAsync(null, CancellationToken.None));

        Assert.Single(_server.Requests);
        Assert.Contains(status.ToString(System.Globalization.CultureInfo.InvariantCulture), error.Message);
    }

    [Theory]
    [InlineData(401, "the API key was refused")]
    [InlineData(402, "this endpoint needs a paid plan")]
    [InlineData(403, "this endpoint needs a paid plan")]
    public async Task PollAsync_KeyRefused_IsNotRetriedAndSaysWhy(int status, string meaning)
    {
        _server.SetResponder(_ => Responses.Status(status, """{"error":"Invalid API key"}"""));
        await using var host = Host();

        var error = await Assert.ThrowsAsync<Core.Feeds.FeedAccessDeniedException>(() => host.Source("finnhub-main").PollAsync(null, CancellationToken.None));

        Assert.Single(_server.Requests);
        Assert.Equal(status, error.Status);
        Assert.Contains(meaning, error.Message);
        Assert.Contains("Invalid API key", error.Message);
    }

    [Fact]
    public async Task PollAsync_InvalidJsonWithOk_IsSkippedAsAFormatErrorAndNotRetried()
    {
        _server.SetResponder(_ => Responses.Json("[{\"symbol\":\"BYND\",\"company\":"));
        await using var host = Host();

        var poll = await host.Source("finnhub-main").PollAsync(null, CancellationToken.None);

        Assert.Single(_server.Requests);
        Assert.Empty(poll.Changes);
        Assert.Contains("invalid JSON", Assert.Single(poll.Problems));
    }

    [Fact]
    public async Task PollAsync_NobodyListening_RetriesThenFailsAsUnavailable()
    {
        var closedPort = FreePorts.GetOne();
        await using var host = FeedTestHost.Create(new FeedSettings().Source("finnhub-main", "Finnhub", baseUrl: $"http://127.0.0.1:{closedPort}", symbols: "AAPL"));

        var error = await Assert.ThrowsAsync<FeedUnavailableException>(() => host.Source("finnhub-main").PollAsync(null, CancellationToken.None));

        Assert.Contains("could not be read after 4 attempts", error.Message);
        Assert.Equal(3, host.Logged(LogLevel.Warning, "HttpRequestException").Count);
    }
}
