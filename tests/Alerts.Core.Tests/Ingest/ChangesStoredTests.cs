using System.Diagnostics;
using Alerts.Core.Ingest;
using Alerts.Core.Tests.TestSupport;

namespace Alerts.Core.Tests.Ingest;

public sealed class ChangesStoredTests
{
    [Fact]
    public void For_ChangesOfSeveralTickers_OneMessagePerTickerOfAtMostMaxChanges()
    {
        var cifr = Enumerable.Range(0, ChangesStored.MaxChanges + 1).Select(i => TestChanges.CifrUpgrade() with { Id = $"c-{i}" });
        var nvda = TestChanges.CifrUpgrade() with { Id = "n-1", Ticker = "NVDA" };

        var messages = ChangesStored.For([.. cifr, nvda, nvda]);

        Assert.Equal([ChangesStored.MaxChanges, 1, 1], messages.Select(m => m.Changes.Count));
        Assert.All(messages, m => Assert.Single(m.Changes.Select(c => c.Ticker).Distinct()));
        Assert.Equal(new StoredChange("NVDA", "n-1"), messages[2].Changes[0]);
    }

    [Fact]
    public void ToJson_ThenParse_GivesTheSameChangesAndTrace()
    {
        var parent = new ActivityContext(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded);
        var message = Assert.Single(ChangesStored.For([TestChanges.CifrUpgrade()], parent));

        var json = message.ToJson();
        var read = ChangesStored.Parse(json);

        Assert.StartsWith("{\"changes\":[{\"ticker\":\"CIFR\",\"id\":", json, StringComparison.Ordinal);
        Assert.Equal(message.Changes, read.Changes);
        Assert.Equal(parent.TraceId, read.Parent.TraceId);
        Assert.Equal(parent.SpanId, read.Parent.SpanId);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("{}")]
    [InlineData("{\"changes\":[{\"ticker\":\"CIFR\"}]}")]
    public void Parse_NotAMessage_ThrowsFormatException(string body) =>
        Assert.Throws<FormatException>(() => ChangesStored.Parse(body));
}
