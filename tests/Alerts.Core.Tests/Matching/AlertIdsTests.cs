using Alerts.Core.Matching;

namespace Alerts.Core.Tests.Matching;

public class AlertIdsTests
{
    [Fact]
    public void For_SameChangeAndSubscriber_IsDeterministic()
    {
        var first = AlertIds.For("change-1", "sub-1");

        Assert.Equal(first, AlertIds.For("change-1", "sub-1"));
        Assert.Matches("^[0-9a-f]{32}$", first);
    }

    [Fact]
    public void For_DifferentSubscribers_AreDistinct()
    {
        var ids = Enumerable.Range(0, 1000).Select(i => AlertIds.For("change-1", $"sub-{i}")).ToList();

        Assert.Equal(ids.Count, ids.Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public void For_DifferentChanges_AreDistinct() =>
        Assert.NotEqual(AlertIds.For("change-1", "sub-1"), AlertIds.For("change-2", "sub-1"));

    [Fact]
    public void ForMessage_SameAlertIds_IsDeterministicAndOtherSetsDiffer()
    {
        var a = AlertIds.For("c", "s1");
        var b = AlertIds.For("c", "s2");

        Assert.Equal(AlertIds.ForMessage([a, b]), AlertIds.ForMessage([a, b]));
        Assert.NotEqual(AlertIds.ForMessage([a, b]), AlertIds.ForMessage([a]));
        Assert.Matches("^[0-9a-f]{32}$", AlertIds.ForMessage([a, b]));
    }
}
