using Alerts.Feeds.Tests.TestSupport;
using Alerts.Infrastructure.Feeds;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Alerts.Feeds.Tests.Options;

public sealed class FeedsOptionsTests
{
    private static OptionsValidationException StartFails(FeedSettings settings)
    {
        using var host = FeedTestHost.Create(settings);
        // What the host runs at start (ValidateOnStart), before any timer fires.
        return Assert.Throws<OptionsValidationException>(() => host.Services.GetRequiredService<IStartupValidator>().Validate());
    }

    [Fact]
    public void AddAlertsFeeds_EnvironmentVariables_BindEverySetting()
    {
        var prefix = $"ALERTS_FEEDS_TEST_{Guid.NewGuid():N}_";
        var variables = new Dictionary<string, string>
        {
            ["Feeds__PollIntervalSeconds"] = "30",
            ["Feeds__Sources__0__Name"] = "finnhub-main",
            ["Feeds__Sources__0__Kind"] = "Finnhub",
            ["Feeds__Sources__0__ApiKey"] = "k1",
            ["Feeds__Sources__0__Symbols"] = "AAPL, msft",
            ["Feeds__Sources__1__Name"] = "wire",
            ["Feeds__Sources__1__Kind"] = "rss",
            ["Feeds__Sources__1__Url"] = "https://news.example.com/rss",
            ["Feeds__Sources__2__Name"] = "bz",
            ["Feeds__Sources__2__Kind"] = "Benzinga",
            ["Feeds__Sources__2__BaseUrl"] = "https://api.example.com",
            ["Feeds__Sources__2__ApiKey"] = "k2",
            ["Feeds__Sources__2__LookbackDays"] = "7",
            ["Feeds__Sources__2__OverlapDays"] = "14",
            ["Feeds__Sources__2__RequestsPerMinute"] = "5",
            ["Feeds__Sources__2__RequestsPerDay"] = "100",
            ["Feeds__AccessDeniedRetryHours"] = "2",
        };
        foreach (var (name, value) in variables)
        {
            Environment.SetEnvironmentVariable(prefix + name, value);
        }

        try
        {
            var configuration = new ConfigurationBuilder().AddEnvironmentVariables(prefix).Build();
            var services = new ServiceCollection().AddLogging().AddSingleton<Alerts.Core.Feeds.INewsTextReader>(new TestNewsTextReader());
            services.AddAlertsFeeds(configuration);
            using var provider = services.BuildServiceProvider();

            provider.GetRequiredService<IStartupValidator>().Validate();
            var options = provider.GetRequiredService<IOptions<FeedsOptions>>().Value;
            Assert.Equal(30, options.PollIntervalSeconds);
            Assert.Equal(["AAPL", "MSFT"], options.Sources[0].GetSymbols());
            Assert.Equal(FeedKind.Rss, options.Sources[1].GetKind());
            Assert.Equal(7, options.Sources[2].LookbackDays);
            Assert.Equal(3, options.Sources[0].LookbackDays);
            Assert.Equal((14, 5, 100), (options.Sources[2].OverlapDays, options.Sources[2].RequestsPerMinute, options.Sources[2].RequestsPerDay));
            Assert.Equal(2, options.AccessDeniedRetryHours);
            Assert.Equal(["finnhub-main", "wire", "bz"], provider.GetServices<Alerts.Core.Feeds.IFeedSource>().Select(s => s.Name));
        }
        finally
        {
            foreach (var name in variables.Keys)
            {
                Environment.SetEnvironmentVariable(prefix + name, null);
            }
        }
    }

    [Fact]
    public void FeedsOptions_Defaults_AreTheDocumentedOnes()
    {
        var options = new FeedsOptions();

        Assert.Empty(options.Sources);
        Assert.Equal(60, options.PollIntervalSeconds);
        Assert.Equal(15, options.RequestTimeoutSeconds);
        Assert.Equal(3, options.MaxRetries);
        Assert.Equal(1, options.RetryDelaySeconds);
        Assert.Equal(30, options.MaxRetryAfterSeconds);
        Assert.Equal(3, new FeedSourceOptions().LookbackDays);
        Assert.Equal(7, new FeedSourceOptions().OverlapDays);
        Assert.Equal(6, options.AccessDeniedRetryHours);
    }

    [Theory]
    [InlineData("Finnhub", 60, 86_400)]
    [InlineData("FmpGrades", 10, 250)]
    [InlineData("FmpGradesNews", 10, 250)]
    [InlineData("FmpPriceTargets", 10, 250)]
    [InlineData("Benzinga", 60, 20_000)]
    [InlineData("Rss", 10, 2_000)]
    public void FeedBudgets_Defaults_PerKindAreTheDocumentedOnes(string kind, int perMinute, int perDay)
    {
        var source = new FeedSourceOptions { Kind = kind };

        Assert.Equal((perMinute, perDay), (FeedBudgets.PerMinute(source), FeedBudgets.PerDay(source)));
        Assert.Equal((3, 7), (FeedBudgets.PerMinute(new FeedSourceOptions { Kind = kind, RequestsPerMinute = 3 }), FeedBudgets.PerDay(new FeedSourceOptions { Kind = kind, RequestsPerDay = 7 })));
    }

    [Fact]
    public void AddAlertsFeeds_NoSources_RegistersNone()
    {
        using var host = FeedTestHost.Create(new FeedSettings());

        host.Services.GetRequiredService<IStartupValidator>().Validate();
        Assert.Empty(host.Sources);
    }

    [Fact]
    public void Start_UnknownKind_FailsNamingTheSettingAndTheKinds()
    {
        var error = StartFails(new FeedSettings().Source("finnhub-main", "Finhub"));

        Assert.Contains("Feeds:Sources:0:Kind 'Finhub' is not one of: Finnhub, FmpGrades, FmpGradesNews, FmpPriceTargets, Benzinga, Rss.", error.Message);
    }

    [Fact]
    public void Start_NumericKind_Fails()
    {
        var error = StartFails(new FeedSettings().Source("vendor", "1"));

        Assert.Contains("Feeds:Sources:0:Kind '1' is not one of", error.Message);
    }

    [Theory]
    [InlineData("Finnhub")]
    [InlineData("FmpGrades")]
    [InlineData("FmpPriceTargets")]
    [InlineData("Benzinga")]
    public void Start_VendorWithoutApiKey_Fails(string kind)
    {
        var error = StartFails(new FeedSettings().Source("vendor", kind, symbols: "AAPL", apiKey: null));

        Assert.Contains($"Feeds:Sources:0:ApiKey is required for a {kind} source.", error.Message);
    }

    [Fact]
    public void Start_BaseUrlNotHttp_Fails()
    {
        var error = StartFails(new FeedSettings().Source("bz", "Benzinga", baseUrl: "api.benzinga.com"));

        Assert.Contains("Feeds:Sources:0:BaseUrl 'api.benzinga.com' must be an absolute http or https URL.", error.Message);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("ftp://news.example.com/rss")]
    public void Start_RssWithoutHttpUrl_Fails(string? url)
    {
        var error = StartFails(new FeedSettings().Source("wire", "Rss", url: url, apiKey: null));

        Assert.Contains("Feeds:Sources:0:Url is required for an Rss source", error.Message);
    }

    [Fact]
    public void Start_FmpWithoutSymbols_Fails()
    {
        var error = StartFails(new FeedSettings().Source("fmp", "FmpGrades"));

        Assert.Contains("Feeds:Sources:0:Symbols is required for a FmpGrades source", error.Message);
    }

    [Fact]
    public void Start_BadSymbol_Fails()
    {
        var error = StartFails(new FeedSettings().Source("fmp", "FmpGrades", symbols: "AAPL,BRK/B"));

        Assert.Contains("Feeds:Sources:0:Symbols: 'BRK/B' may hold only", error.Message);
    }

    [Fact]
    public void Start_DuplicateOrBadNames_Fail()
    {
        var error = StartFails(new FeedSettings()
            .Source("main", "Benzinga")
            .Source("MAIN", "Benzinga")
            .Source("my feed/1", "Benzinga")
            .Source(null!, "Benzinga"));

        Assert.Contains("Feeds:Sources:1:Name 'MAIN' is used by another source", error.Message);
        Assert.Contains("Feeds:Sources:2:Name 'my feed/1' must be 1-63 letters", error.Message);
        Assert.Contains("Feeds:Sources:3:Name is required", error.Message);
    }

    [Fact]
    public void Start_OutOfRangeNumbers_Fail()
    {
        var error = StartFails(new FeedSettings().Set("Feeds:PollIntervalSeconds", 0).Set("Feeds:MaxRetries", 50));

        Assert.Contains("PollIntervalSeconds", error.Message);
        Assert.Contains("MaxRetries", error.Message);
    }

    [Fact]
    public void Start_OutOfRangeSourceBudgetOrOverlap_Fails()
    {
        var error = StartFails(new FeedSettings().Source("fmp", "FmpGrades", symbols: "AAPL").With("RequestsPerMinute", 0).With("RequestsPerDay", -1).With("OverlapDays", 0));

        Assert.Contains("Feeds:Sources:0:RequestsPerMinute must be from 1", error.Message);
        Assert.Contains("Feeds:Sources:0:RequestsPerDay must be from 1", error.Message);
        Assert.Contains("Feeds:Sources:0:OverlapDays must be from 1", error.Message);
    }
}
