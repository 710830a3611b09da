using Alerts.Core.Matching;
using Alerts.Core.Subscriptions;
using Alerts.Core.Tests.TestSupport;

namespace Alerts.Core.Tests.Matching;

/// <summary>A page matches exactly the rows the row-by-row check matches, whatever the mix of rules.</summary>
public class SubscriberPageTests
{
    /// <summary>Rows, distinct rule sets to draw from (0: each row its own), seed.</summary>
    [Theory]
    [InlineData(1000, 6, 1)]
    [InlineData(1000, 1, 2)]
    [InlineData(1000, 0, 3)]    // every row with rules of its own
    [InlineData(1000, 400, 4)]  // more distinct rule sets than fit the verdict buffer on the stack
    [InlineData(7, 3, 5)]
    [InlineData(1, 0, 6)]
    public void Match_RandomRowsAndChanges_SameRowsAsTheRowByRowCheck(int rows, int ruleSets, int seed)
    {
        var random = new Random(seed);
        var sets = ruleSets == 0 ? null : Enumerable.Range(0, ruleSets).Select(_ => RandomRules.Rules(random)).ToList();
        var subscribers = RandomRules.Rows(random, rows, sets);
        var page = SubscriberPage.Of(subscribers);
        var matchedRows = new int[rows];

        for (var c = 0; c < 200; c++)
        {
            var change = ChangeFacts.Of(RandomRules.Change(random));

            var count = page.Match(in change, matchedRows);

            var expected = Enumerable.Range(0, rows).Where(i => CompiledRules.Build(subscribers[i].Rules).Matches(in change)).ToList();
            Assert.Equal(expected, matchedRows[..count]);
        }
    }

    [Fact]
    public void Of_EqualRulesInAnotherCase_OneDistinctRuleSet()
    {
        var page = SubscriberPage.Of(
        [
            new Subscriber("a", "a@example.com", new SubscriberRules { Firms = ["JPMorgan", "Citi"] }),
            new Subscriber("b", "b@example.com", new SubscriberRules { Firms = ["citi", "jpmorgan"] }),
            new Subscriber("c", "c@example.com", SubscriberRules.Any),
            new Subscriber("d", "d@example.com", new SubscriberRules()),
        ]);

        Assert.Equal(4, page.Count);
        Assert.Equal(2, page.DistinctRuleCount);
    }

    [Fact]
    public void Match_PausedRows_MatchNothing()
    {
        var paused = new SubscriberRules { Paused = true };
        var page = SubscriberPage.Of(
        [
            new Subscriber("paused-any", "a@example.com", paused),
            new Subscriber("plain", "b@example.com", SubscriberRules.Any),
            new Subscriber("paused-firm", "c@example.com", new SubscriberRules { Firms = ["JPMorgan"], Paused = true }),
            new Subscriber("firm", "d@example.com", new SubscriberRules { Firms = ["JPMorgan"] }),
        ]);
        var matchedRows = new int[page.Count];

        var count = page.Match(ChangeFacts.Of(TestChanges.CifrUpgrade()), matchedRows);

        Assert.Equal(["plain", "firm"], matchedRows[..count].Select(page.SubscriptionId));
    }

    [Fact]
    public void Match_AllPaused_NoRow()
    {
        var page = SubscriberPage.Of(Enumerable.Range(0, 5).Select(i => new Subscriber($"s{i}", $"s{i}@example.com", new SubscriberRules { Paused = true })));

        Assert.Equal(0, page.Match(ChangeFacts.Of(TestChanges.CifrUpgrade()), new int[5]));
    }

    [Fact]
    public void Match_BufferShorterThanThePage_Throws()
    {
        var page = SubscriberPage.Of([new Subscriber("a", "a@example.com", SubscriberRules.Any), new Subscriber("b", "b@example.com", SubscriberRules.Any)]);

        Assert.Throws<ArgumentOutOfRangeException>(() => page.Match(ChangeFacts.Of(TestChanges.CifrUpgrade()), new int[1]));
    }

    [Fact]
    public void Indexer_GivesBackEachRowAsAdded()
    {
        var delivery = new Alerts.Core.Digests.DeliverySettings { TimeZone = "Europe/Paris" };
        var rows = new[]
        {
            new Subscriber("a", "a@example.com", new SubscriberRules { Firms = ["Citi"] }, delivery),
            new Subscriber("b", "b@example.com", SubscriberRules.Any),
        };

        var page = SubscriberPage.Of(rows);

        Assert.Equal(rows, Enumerable.Range(0, page.Count).Select(i => page[i]));
        Assert.Same(delivery, page.Delivery(0));
        Assert.Null(page.Delivery(1));
    }

    [Fact]
    public void Build_LeavesTheBuilderEmptyForTheNextPage()
    {
        var builder = new SubscriberPageBuilder();
        builder.Add("a", "a@example.com", new SubscriberRules { Firms = ["Citi"] });
        var first = builder.Build();

        builder.Add("b", "b@example.com", SubscriberRules.Any);
        var second = builder.Build();

        Assert.Equal(0, builder.Count);
        Assert.Equal("a", Assert.Single(Enumerable.Range(0, first.Count).Select(first.SubscriptionId)));
        Assert.Equal("b", Assert.Single(Enumerable.Range(0, second.Count).Select(second.SubscriptionId)));
        Assert.Same(SubscriberPage.Empty, builder.Build());
    }
}
