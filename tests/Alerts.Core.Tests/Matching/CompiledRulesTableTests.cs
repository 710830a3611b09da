using Alerts.Core.Matching;
using Alerts.Core.Ratings;
using Alerts.Core.Subscriptions;
using Alerts.Core.Tests.TestSupport;

namespace Alerts.Core.Tests.Matching;

/// <summary>Compiled rules interned by value: equal rule sets (in any order or case) share one instance, others do not.</summary>
public class CompiledRulesTableTests
{
    [Fact]
    public void Compile_EqualRulesInAnotherOrderAndCase_OneInstance()
    {
        var first = new SubscriberRules
        {
            Actions = [RatingAction.Upgrade, RatingAction.TargetCut],
            Firms = ["JPMorgan", "Goldman Sachs"],
            ExcludeFirms = ["Citi", "UBS"],
            MinTargetChangePct = 10m,
            MinRating = RatingLevel.Buy,
            Direction = NewsDirection.Positive,
        };
        var second = new SubscriberRules
        {
            Actions = [RatingAction.TargetCut, RatingAction.Upgrade, RatingAction.Upgrade],
            Firms = ["goldman sachs", "JPMORGAN", "jpmorgan"],
            ExcludeFirms = ["ubs", "CITI"],
            MinTargetChangePct = 10.00m,
            MinRating = RatingLevel.Buy,
            Direction = NewsDirection.Positive,
        };

        Assert.Same(CompiledRules.Compile(first), CompiledRules.Compile(second));
        Assert.Same(first.Compiled, second.Compiled);
    }

    [Fact]
    public void Intern_EqualRules_OneInstanceEvenInANewTable()
    {
        var table = new CompiledRulesTable(100);
        var rules = new SubscriberRules { Firms = ["Citi"] };

        var compiled = table.Intern(rules);

        Assert.Same(compiled, table.Intern(rules with { Firms = ["CITI"] }));
        Assert.Equal(1, table.Count);
    }

    public static TheoryData<SubscriberRules, SubscriberRules> DifferentRules() => new()
    {
        { new SubscriberRules { Actions = [RatingAction.Upgrade] }, new SubscriberRules { Actions = [RatingAction.Downgrade] } },
        { new SubscriberRules { Actions = [RatingAction.Upgrade] }, new SubscriberRules { Actions = [RatingAction.Upgrade, RatingAction.Downgrade] } },
        { new SubscriberRules { Firms = ["Citi"] }, new SubscriberRules { Firms = ["UBS"] } },
        { new SubscriberRules { Firms = ["Citi"] }, new SubscriberRules { ExcludeFirms = ["Citi"] } },
        { new SubscriberRules { Firms = ["Citi", "UBS"] }, new SubscriberRules { Firms = ["Citi"] } },
        { new SubscriberRules { Firms = ["A", "B"] }, new SubscriberRules { Firms = ["AB"] } },
        { new SubscriberRules { Firms = ["1:A"] }, new SubscriberRules { Firms = ["1", "A"] } },
        { new SubscriberRules { Firms = [""] }, new SubscriberRules { ExcludeFirms = [""] } },
        { new SubscriberRules { MinTargetChangePct = 10m }, new SubscriberRules { MinTargetChangePct = 10.5m } },
        { new SubscriberRules { MinTargetChangePct = 0m }, new SubscriberRules { MinRating = RatingLevel.Sell } },
        { new SubscriberRules { MinRating = RatingLevel.Buy }, new SubscriberRules { MinRating = RatingLevel.StrongBuy } },
        { new SubscriberRules { Direction = NewsDirection.Positive }, new SubscriberRules { Direction = NewsDirection.Negative } },
        { new SubscriberRules { Firms = ["Citi"] }, new SubscriberRules { Firms = ["Citi"], Paused = true } },
    };

    [Theory]
    [MemberData(nameof(DifferentRules))]
    public void Compile_DifferentRules_DifferentInstances(SubscriberRules one, SubscriberRules other)
    {
        Assert.NotSame(CompiledRules.Compile(one), CompiledRules.Compile(other));
        Assert.NotSame(new CompiledRulesTable(100).Intern(one), new CompiledRulesTable(100).Intern(other));
    }

    [Fact]
    public void Compile_RulesThatSetNothing_MatchAll()
    {
        Assert.Same(CompiledRules.MatchAll, CompiledRules.Compile(new SubscriberRules()));
        Assert.Same(CompiledRules.MatchAll, CompiledRules.Compile(new SubscriberRules { MinRating = RatingLevel.Unknown, Direction = NewsDirection.Any }));
        Assert.Equal(0, Table(new SubscriberRules()).Count);
    }

    [Fact]
    public void Compile_PausedRules_OneInstanceThatMatchesNothing()
    {
        var paused = CompiledRules.Compile(new SubscriberRules { Paused = true });

        Assert.Same(paused, CompiledRules.Compile(new SubscriberRules { Paused = true, Firms = ["JPMorgan"], MinTargetChangePct = 5m }));
        Assert.False(paused.Matches(ChangeFacts.Of(TestChanges.CifrUpgrade())));
    }

    [Fact]
    public void Intern_Full_StartsOverAndStaysBounded()
    {
        var table = new CompiledRulesTable(3);
        var change = ChangeFacts.Of(TestChanges.CifrUpgrade());

        for (var pct = 1; pct <= 10; pct++)
        {
            var compiled = table.Intern(new SubscriberRules { MinTargetChangePct = pct * 10m });
            Assert.Equal(pct * 10m <= 50m, compiled.Matches(in change));
            Assert.InRange(table.Count, 1, 3);
        }
    }

    [Fact]
    public void Intern_ManyThreadsTheSameRules_OneInstance()
    {
        var table = new CompiledRulesTable(1000);
        var instances = new CompiledRules[64];

        Parallel.For(0, instances.Length, i => instances[i] = table.Intern(new SubscriberRules { Firms = [i % 2 == 0 ? "Citi" : "citi", "UBS"] }));

        Assert.All(instances, compiled => Assert.Same(instances[0], compiled));
        Assert.Equal(1, table.Count);
    }

    [Fact]
    public void Compile_RandomRules_MatchAsTheirOwnUninternedCompilation()
    {
        var random = new Random(11);
        for (var i = 0; i < 2000; i++)
        {
            var rules = RandomRules.Rules(random);
            var change = ChangeFacts.Of(RandomRules.Change(random));

            Assert.Equal(CompiledRules.Build(rules).Matches(in change), CompiledRules.Compile(rules).Matches(in change));
        }
    }

    private static CompiledRulesTable Table(SubscriberRules rules)
    {
        var table = new CompiledRulesTable(10);
        table.Intern(rules);
        return table;
    }
}
