using Alerts.Core.Ratings;
using Alerts.Feeds.Tests.TestSupport;
using Alerts.Infrastructure.Feeds;
using Alerts.Testing;
using Microsoft.Extensions.Logging;

namespace Alerts.Feeds.Tests.Sources;

public sealed class RssFeedSourceTests : IAsyncLifetime
{
    private CaptureServer _server = null!;

    public async Task InitializeAsync() => _server = await CaptureServer.StartAsync(_ => Responses.Xml(Fixture.Text("rss-analyst-wire.xml")));

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private FeedTestHost Host(string path = "/feeds/analyst-wire.rss") =>
        FeedTestHost.Create(new FeedSettings().Source("wire", "Rss", url: _server.BaseUrl + path, apiKey: null));

    private static DateTimeOffset Utc(int day, int hour, int minute) => new(2025, 12, day, hour, minute, 0, TimeSpan.Zero);

    [Fact]
    public async Task PollAsync_Rss20_ReadsEveryItemThroughTheReader()
    {
        await using var host = Host();

        var poll = await host.Source("wire").PollAsync(null, CancellationToken.None);

        var request = Assert.Single(_server.Requests);
        Assert.Equal("/feeds/analyst-wire.rss", request.Path);
        Assert.Contains("application/rss+xml", request.Header("Accept"));

        // Every item is read; the one saying nothing ("Apple event...") gives nothing.
        Assert.Equal(5, host.Reader.Calls.Count);
        Assert.Equal(["CIFR", "COIN", "CBT", "TSLA"], poll.Changes.Select(c => c.Ticker));
        Assert.Equal(0, poll.Skipped);

        var cifr = poll.Changes[0];
        Assert.Equal("JPMorgan", cifr.Firm);
        Assert.Equal(RatingAction.Upgrade, cifr.Action);
        Assert.Equal("Neutral", cifr.FromRating);
        Assert.Equal("Overweight", cifr.ToRating);
        Assert.Equal("wire", cifr.Source);
        Assert.Equal("wire-20251202-0001", cifr.SenderId); // the guid
        Assert.Equal("https://news.example.com/2025/12/02/jpmorgan-upgrades-cipher-mining", cifr.Url);
        Assert.Equal(Utc(2, 13, 30), cifr.PublishedAt); // GMT

        // Title and description as plain text: tags, scripts and entities undone; extension elements (media:title) ignored.
        var (text, publishedAt, url) = host.Reader.Calls[0];
        Assert.Equal(
            "JPMorgan upgrades Cipher Mining (CIFR) to Overweight from Neutral\n\nJPMorgan analyst Reginald Smith raised the price target to $18 from $12, citing the AI hosting pipeline.",
            text);
        Assert.Equal(Utc(2, 13, 30), publishedAt);
        Assert.Equal(cifr.Url, url);
        Assert.Contains("Cabot & its carbon black peers", host.Reader.Calls[2].Text);

        Assert.Equal(Utc(2, 13, 15), poll.Changes[2].PublishedAt); // "08:15:00 -0500"
        Assert.Equal(Utc(2, 11, 0), host.Reader.Calls[3].PublishedAt); // "06:00:00 EST"
        Assert.Equal(Utc(1, 21, 5), poll.Changes[3].PublishedAt); // "+0000"

        var cursor = RssCursor.Parse(poll.NextCursor);
        Assert.NotNull(cursor);
        Assert.Equal(Utc(2, 13, 30), cursor.At);
        Assert.Equal(["wire-20251202-0001", "wire-20251202-0003"], cursor.Ids);
    }

    [Fact]
    public async Task PollAsync_WithCursor_ReadsOnlyItemsNotSeenIncludingOnesOfTheSameInstant()
    {
        await using var host = Host();
        var first = await host.Source("wire").PollAsync(null, CancellationToken.None);
        _server.SetResponder(_ => Responses.Xml(Fixture.Text("rss-analyst-wire-later.xml")));

        var second = await host.Source("wire").PollAsync(first.NextCursor, CancellationToken.None);

        // The later feed repeats the five first items and adds SNOW (15:10) and HOOD (13:30, the cursor's very second).
        Assert.Equal(["SNOW", "HOOD"], second.Changes.Select(c => c.Ticker));
        Assert.Equal(5 + 2, host.Reader.Calls.Count);
        var cursor = RssCursor.Parse(second.NextCursor)!;
        Assert.Equal(Utc(2, 15, 10), cursor.At);
        Assert.Equal(["wire-20251202-0005"], cursor.Ids);

        var third = await host.Source("wire").PollAsync(second.NextCursor, CancellationToken.None);

        Assert.Empty(third.Changes);
        Assert.Equal(second.NextCursor, third.NextCursor);
    }

    [Fact]
    public async Task PollAsync_Atom_ReadsEntries()
    {
        _server.SetResponder(_ => Responses.Xml(Fixture.Text("atom-analyst-notes.xml")));
        await using var host = Host("/atom.xml");

        var poll = await host.Source("wire").PollAsync(null, CancellationToken.None);

        Assert.Equal(3, host.Reader.Calls.Count);
        Assert.Equal(["LULU", "NVDA"], poll.Changes.Select(c => c.Ticker));
        var lulu = poll.Changes[0];
        Assert.Equal("Morgan Stanley", lulu.Firm);
        Assert.Equal(RatingAction.Downgrade, lulu.Action);
        Assert.Equal("tag:notes.example.com,2025:note-981", lulu.SenderId);
        Assert.Equal("https://notes.example.com/2025/12/02/ms-lulu", lulu.Url); // rel="alternate", not the enclosure
        Assert.Equal(Utc(2, 13, 55), lulu.PublishedAt); // <published>
        Assert.Contains("Morgan Stanley sees \"more downside\" after the guidance cut.", host.Reader.Calls[0].Text);

        var nvda = poll.Changes[1];
        Assert.Equal("https://notes.example.com/2025/12/02/bernstein-nvda", nvda.Url);
        Assert.Equal(Utc(2, 14, 10), nvda.PublishedAt); // <updated> 09:10:00-05:00

        var cursor = RssCursor.Parse(poll.NextCursor)!;
        Assert.Equal(Utc(2, 14, 10), cursor.At);
        Assert.Equal(["tag:notes.example.com,2025:note-982"], cursor.Ids);
    }

    [Fact]
    public async Task PollAsync_DocumentTypeDefinition_IsRefusedWithoutResolvingIt()
    {
        _server.SetResponder(_ => Responses.Xml(Fixture.Text("rss-with-dtd.xml")));
        await using var host = Host();

        var error = await Assert.ThrowsAsync<FeedFormatException>(() => host.Source("wire").PollAsync(null, CancellationToken.None));

        Assert.Contains("DTD", error.Message);
        Assert.Empty(host.Reader.Calls);
    }

    [Theory]
    [InlineData("<rss version=\"2.0\"><channel><item><title>JPMorgan upgrades")]
    [InlineData("{\"items\": []}")]
    [InlineData("<html><body><h1>Service Unavailable</h1></body></html>")]
    public async Task PollAsync_NotAFeed_IsAFormatError(string body)
    {
        _server.SetResponder(_ => Responses.Xml(body));
        await using var host = Host();

        await Assert.ThrowsAsync<FeedFormatException>(() => host.Source("wire").PollAsync(null, CancellationToken.None));
    }

    [Fact]
    public async Task PollAsync_ReaderFailsOnOneItem_ThatItemIsSkippedAndLogged()
    {
        _server.SetResponder(_ => Responses.Xml("""
            <rss version="2.0"><channel><title>t</title>
              <item><title>BOOM goes the parser</title><guid>b-1</guid><pubDate>Tue, 02 Dec 2025 10:00:00 GMT</pubDate></item>
              <item><title>UBS downgrades Cabot (CBT) to Neutral from Buy</title><guid>b-2</guid><pubDate>Tue, 02 Dec 2025 10:01:00 GMT</pubDate></item>
            </channel></rss>
            """));
        await using var host = Host();

        var poll = await host.Source("wire").PollAsync(null, CancellationToken.None);

        Assert.Equal(1, poll.Skipped);
        Assert.Equal("CBT", Assert.Single(poll.Changes).Ticker);
        Assert.Single(host.Logged(LogLevel.Warning, "news text reader failed on item b-1"));
    }

    [Fact]
    public async Task PollAsync_NoReaderRegistered_FailsClearlyWhenTheSourceIsMade()
    {
        await using var host = FeedTestHost.Create(new FeedSettings().Source("wire", "Rss", url: _server.BaseUrl + "/rss", apiKey: null), withReader: false);

        var error = Assert.Throws<InvalidOperationException>(() => host.Sources);

        Assert.Contains("INewsTextReader", error.Message);
    }
}
