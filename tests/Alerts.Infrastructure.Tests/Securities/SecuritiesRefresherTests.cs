using System.IO.Compression;
using System.Text;
using System.Text.Json.Nodes;
using Alerts.Core.Securities;
using Alerts.Infrastructure.Securities;
using Alerts.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Alerts.Infrastructure.Tests.Securities;

/// <summary>The refresh against a real local HTTP server serving the SEC's real file, and the answers it must refuse.</summary>
public sealed class SecuritiesRefresherTests : IAsyncLifetime
{
    private const string UserAgent = "Alerts tests ops@alerts.example";

    /// <summary>The SEC's file as the product embeds it, with one listing added so that a swap can be seen.</summary>
    private static readonly Lazy<string> RealFileWithNewListing = new(() =>
    {
        var document = JsonNode.Parse(RealFile())!;
        document["data"]!.AsArray().Add(new JsonArray(9_999_991, "Zed Quux Robotics, Inc.", "ZZQX", "Nasdaq"));
        return document.ToJsonString();
    });

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 8, 6, 15, 0, TimeSpan.Zero));
    private CaptureServer _server = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _server = await CaptureServer.StartAsync();
        _client = new HttpClient();
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task RefreshAsync_RealFile_ReplacesTheListingsAndSendsTheUserAgent()
    {
        _server.SetResponder(_ => (200, RealFileWithNewListing.Value, new Dictionary<string, string> { ["Content-Type"] = "application/json" }));
        var master = SecuritiesMaster.Load(null);
        Assert.False(master.IsListed("ZZQX"));

        var result = await Refresher(master).RefreshAsync(CancellationToken.None);

        Assert.True(result.Replaced, result.Problem);
        Assert.InRange(result.Rows, 10_000, 11_000);
        Assert.True(master.IsListed("ZZQX"));
        Assert.True(master.TryResolveName("Zed Quux Robotics", out var ticker));
        Assert.Equal("ZZQX", ticker);
        Assert.Equal("Microsoft", master.DisplayName("MSFT"));
        Assert.Equal(_server.BaseUrl + "/files/company_tickers_exchange.json", master.Source);
        Assert.Equal(_time.GetUtcNow(), master.RefreshedAt);
        var request = Assert.Single(_server.Requests);
        Assert.Equal("GET", request.Method);
        Assert.Equal("/files/company_tickers_exchange.json", request.Path);
        Assert.Equal(UserAgent, request.Header("User-Agent"));
    }

    public static TheoryData<int, string, string> BadAnswers => new()
    {
        { 200, "<!DOCTYPE html><html><body>Your Request Originates from an Undeclared Automated Tool</body></html>", "not JSON" },
        { 200, "", "not JSON" },
        { 200, "{\"fields\":[\"cik\",\"name\",\"ticker\",\"exchange\"],\"data\":[[320193,\"Apple Inc.\",\"AAPL\",\"Nasdaq\"],[789019,\"MICROSOFT", "not JSON" },
        { 200, "{\"fields\":[\"cik\",\"name\",\"ticker\",\"exchange\"],\"data\":[[320193,\"Apple Inc.\",\"AAPL\",\"Nasdaq\"]]}", "1 usable rows" },
        { 200, "{\"companies\":[]}", "not the SEC's shape" },
        { 200, "[]", "not the SEC's shape" },
        { 403, "<html>Forbidden</html>", "HTTP 403" },
        { 503, "", "HTTP 503" },
    };

    [Theory]
    [MemberData(nameof(BadAnswers))]
    public async Task RefreshAsync_BadAnswer_KeepsTheListings(int status, string body, string problem)
    {
        var master = SecuritiesMaster.Load(null);
        _server.SetResponder(_ => (200, RealFileWithNewListing.Value, null));
        Assert.True((await Refresher(master).RefreshAsync(CancellationToken.None)).Replaced);
        var count = master.Count;
        var refreshedAt = master.RefreshedAt;
        _server.SetResponder(_ => (status, body, null));
        _time.Advance(TimeSpan.FromDays(1));

        var result = await Refresher(master).RefreshAsync(CancellationToken.None);

        Assert.False(result.Replaced);
        Assert.Contains(problem, result.Problem);
        Assert.Equal(count, master.Count);
        Assert.True(master.IsListed("ZZQX"));
        Assert.Equal(refreshedAt, master.RefreshedAt);
        Assert.Equal(2, _server.Requests.Count);
    }

    [Fact]
    public async Task RefreshAsync_RowsMissing_KeepsTheEmbeddedListings()
    {
        var document = JsonNode.Parse(RealFile())!;
        var data = document["data"]!.AsArray();
        while (data.Count > 3_000)
        {
            data.RemoveAt(data.Count - 1);
        }

        _server.SetResponder(_ => (200, document.ToJsonString(), null));
        var master = SecuritiesMaster.Load(null);

        var result = await Refresher(master).RefreshAsync(CancellationToken.None);

        Assert.False(result.Replaced);
        Assert.Contains("3000 usable rows", result.Problem);
        Assert.Equal(SecuritiesMaster.EmbeddedSource, master.Source);
        Assert.True(master.IsListed("IDYA"));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("Alerts")]
    [InlineData("Alerts/1.0 (+https://alerts.example)")]
    public async Task RefreshAsync_NoContactAddress_DoesNotCall(string? userAgent)
    {
        var master = SecuritiesMaster.Load(null);

        var result = await Refresher(master, userAgent).RefreshAsync(CancellationToken.None);

        Assert.False(result.Replaced);
        Assert.Contains("no contact address", result.Problem);
        Assert.Empty(_server.Requests);
        Assert.Equal(SecuritiesMaster.EmbeddedSource, master.Source);
    }

    [Fact]
    public void Validate_RefreshOnWithoutContact_FailsAtStart()
    {
        var validator = new SecuritiesOptionsValidator();

        Assert.True(validator.Validate(null, new SecuritiesOptions { RefreshEnabled = true, UserAgent = "Alerts" }).Failed);
        Assert.False(validator.Validate(null, new SecuritiesOptions { RefreshEnabled = true, UserAgent = UserAgent }).Failed);
        Assert.False(validator.Validate(null, new SecuritiesOptions { RefreshEnabled = false }).Failed);
    }

    private SecuritiesRefresher Refresher(SecuritiesMaster master, string? userAgent = UserAgent) =>
        new(
            _client,
            master,
            Options.Create(new SecuritiesOptions
            {
                RefreshEnabled = true,
                UserAgent = userAgent,
                Url = _server.BaseUrl + "/files/company_tickers_exchange.json",
            }),
            _time,
            NullLogger<SecuritiesRefresher>.Instance);

    private static string RealFile()
    {
        var path = Path.Combine(RepoRoot.Path, "src", "Alerts.Core", "Securities", "Data", "company_tickers_exchange.json.gz");
        using var gzip = new GZipStream(File.OpenRead(path), CompressionMode.Decompress);
        using var reader = new StreamReader(gzip, Encoding.UTF8);
        return reader.ReadToEnd();
    }
}
