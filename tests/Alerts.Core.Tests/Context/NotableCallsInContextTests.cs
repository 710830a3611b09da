using System.Text;
using Alerts.Core.Context;
using Alerts.Core.Ratings;
using Alerts.Core.Tests.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Alerts.Core.Tests.Context;

/// <summary>The notable lines reach the alert: read with the street's context in its one history query, written by its section.</summary>
public class NotableCallsInContextTests
{
    private readonly FakeTimeProvider _time = new(TestChanges.Now);
    private readonly InMemoryRatingHistory _store = new();

    private static RatingChange Earlier(string firm, int daysAgo, string id, decimal target) =>
        TestChanges.CifrUpgrade() with { Id = id, Firm = firm, PublishedAt = TestChanges.Now.AddDays(-daysAgo), Action = RatingAction.Reiterate, ToTarget = target, FromTarget = null };

    [Fact]
    public async Task GetAsync_FirmsCallOverAYearAgo_OneReadFindsItBesideTheWindow()
    {
        _store.Add(Earlier("JPMorgan", 400, "old", 12m), Earlier("UBS", 3, "a", 15m));

        var context = await new StreetContextReader(_store, _time, NullLogger<StreetContextReader>.Instance).GetAsync(TestChanges.CifrUpgrade(), CancellationToken.None);

        Assert.NotNull(context);
        Assert.Equal(["a"], context.Recent.Select(r => r.Id));
        Assert.Equal([NotableCallKind.StreetHigh, NotableCallKind.FirstInMonths], context.Notable.Select(n => n.Kind));
        Assert.Equal(1, _store.WindowReads);
        Assert.False(context.Truncated);
    }

    [Fact]
    public void AppendTextAndHtml_NotableLines_OneLineEachEscaped()
    {
        var context = StreetContextCalculator.Calculate(TestChanges.CifrUpgrade(), []) with
        {
            Notable = [new NotableCall(NotableCallKind.TwoNotches, "A 2-notch upgrade <b>"), new NotableCall(NotableCallKind.StreetHigh, "New street-high target")],
        };

        var text = StreetContextSection.AppendText(new StringBuilder(), context).ToString();
        var html = StreetContextSection.AppendHtml(new StringBuilder(), context).ToString();

        Assert.Contains($"{StreetContextSection.NotableHeading}\n- A 2-notch upgrade <b>\n- New street-high target\n", text.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.Contains("<li>A 2-notch upgrade &lt;b&gt;</li><li>New street-high target</li>", html, StringComparison.Ordinal);
    }
}
