using System.Diagnostics;
using System.Text.Json;
using Alerts.Core.Matching;
using Alerts.Infrastructure.Queues;
using Alerts.Infrastructure.Tests.TestSupport;

namespace Alerts.Infrastructure.Tests.Queues;

/// <summary>The queue body: one change's alerts as before, several changes' packed, both read back; what is not one is refused.</summary>
public sealed class AlertsMessageCodecTests
{
    private static readonly ActivityContext Trace = new(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded);

    [Fact]
    public void Pack_OneChange_IsItsOwnBodyUnderItsOwnId()
    {
        var alerts = TestData.Alerts(recipients: 3);

        var message = Assert.Single(AlertsMessageCodec.Pack([alerts], 48 * 1024, 250));

        Assert.Equal(alerts.MessageId, message.MessageId);
        Assert.Equal(AlertsMessageCodec.Encode(alerts).ToString(), message.Body.ToString());
        TestData.AssertSameAlerts(alerts, AlertsMessageCodec.Decode(message.Body));
    }

    [Fact]
    public void Pack_SeveralChanges_ShareABodyThatReadsBackInOrderWithItsTrace()
    {
        var alerts = Enumerable.Range(0, 4).Select(_ => TestData.Alerts(recipients: 2)).ToList();

        var message = Assert.Single(AlertsMessageCodec.Pack(alerts, 48 * 1024, 250, Trace));

        var decoded = AlertsMessageCodec.Decode(message.Body);
        Assert.NotNull(decoded);
        Assert.Equal(message.MessageId, decoded.MessageId);
        Assert.Equal(AlertIds.ForMessage(alerts.SelectMany(a => a.Recipients.Select(r => r.AlertId))), decoded.MessageId);
        Assert.Equal(alerts.Count, decoded.Alerts.Count);
        for (var i = 0; i < alerts.Count; i++)
        {
            TestData.AssertSameAlerts(alerts[i], decoded.Alerts[i]);
        }

        Assert.Equal(Trace.TraceId, AlertsMessageCodec.DecodeTrace(message.Body).TraceId);
    }

    [Fact]
    public void Pack_SeveralChanges_EachCarriesItsOwnChangesTrace()
    {
        var traces = Enumerable.Range(0, 3).Select(_ => new ActivityContext(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded)).ToList();
        var alerts = traces.Select(t => TestData.Alerts() with { Trace = t }).ToList();

        var message = Assert.Single(AlertsMessageCodec.Pack(alerts, 48 * 1024, 250, Trace));

        var decoded = AlertsMessageCodec.Decode(message.Body)!.Alerts;
        Assert.Equal(traces.Select(t => (t.TraceId, t.SpanId)), decoded.Select(a => (a.Trace.TraceId, a.Trace.SpanId)));
        Assert.Equal(Trace.SpanId, AlertsMessageCodec.DecodeTrace(message.Body).SpanId);
    }

    [Fact]
    public void Pack_SameAlertsTwice_GivesTheSameIds()
    {
        var alerts = Enumerable.Range(0, 3).Select(_ => TestData.Alerts()).ToList();

        Assert.Equal(
            AlertsMessageCodec.Pack(alerts, 48 * 1024, 250).Select(m => m.MessageId),
            AlertsMessageCodec.Pack(alerts, 48 * 1024, 250).Select(m => m.MessageId));
    }

    [Theory]
    [InlineData(250, 3)] // 100 recipients each: two fit 250, the third starts the next message
    [InlineData(1000, 1)] // all six (600) fit 1,000
    public void Pack_KeepsEachMessageWithinTheRecipientLimit(int maxRecipients, int expectedMessages)
    {
        var alerts = Enumerable.Range(0, 6).Select(_ => TestData.Alerts(recipients: 100)).ToList();

        var messages = AlertsMessageCodec.Pack(alerts, 1024 * 1024, maxRecipients);

        Assert.Equal(expectedMessages, messages.Count);
        Assert.All(messages, m => Assert.InRange(m.Alerts.Sum(a => a.Recipients.Count), 1, maxRecipients));
        Assert.Equal(alerts.Select(a => a.MessageId), messages.SelectMany(m => m.Alerts).Select(a => a.MessageId));
    }

    [Fact]
    public void Pack_KeepsEachBodyWithinTheByteLimit()
    {
        var alerts = Enumerable.Range(0, 40).Select(_ => TestData.Alerts(recipients: 2)).ToList();
        var limit = 8 * 1024;

        var messages = AlertsMessageCodec.Pack(alerts, limit, 250, Trace);

        Assert.True(messages.Count > 1);
        Assert.All(messages, m => Assert.InRange(m.Body.ToMemory().Length, 1, limit));
        Assert.Equal(alerts.Select(a => a.MessageId), messages.SelectMany(m => m.Alerts).Select(a => a.MessageId));
    }

    [Fact]
    public void Pack_RefusedAlert_TravelsAlone()
    {
        var refused = TestData.Alerts(recipients: 1) with { DeadLetterReason = "550 mailbox does not exist" };

        var messages = AlertsMessageCodec.Pack([TestData.Alerts(), refused, TestData.Alerts()], 48 * 1024, 250);

        Assert.Equal([1, 1, 1], messages.Select(m => m.Alerts.Count));
        Assert.Equal("550 mailbox does not exist", Assert.Single(AlertsMessageCodec.Decode(messages[1].Body)!.Alerts).DeadLetterReason);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[]")]
    [InlineData("{}")]
    [InlineData("{\"messageId\":\"m\",\"alerts\":[]}")]
    [InlineData("{\"messageId\":\"m\",\"alerts\":[{\"messageId\":\"x\"}]}")]
    [InlineData("{\"alerts\":[{\"messageId\":\"x\"}]}")]
    [InlineData("{\"messageId\":\"m\",\"alerts\":\"nope\"}")]
    public void Decode_NotAnAlertMessage_IsNull(string body) =>
        Assert.Null(AlertsMessageCodec.Decode(BinaryData.FromString(body)));

    [Fact]
    public void Decode_PackedBodyWithOnePartIncomplete_IsNull()
    {
        var message = Assert.Single(AlertsMessageCodec.Pack([TestData.Alerts(), TestData.Alerts()], 48 * 1024, 250));
        using var json = JsonDocument.Parse(message.Body.ToString());
        var broken = message.Body.ToString().Replace("\"recipients\":", "\"recipientz\":", StringComparison.Ordinal);

        Assert.Equal(2, json.RootElement.GetProperty("alerts").GetArrayLength());
        Assert.Null(AlertsMessageCodec.Decode(BinaryData.FromString(broken)));
    }
}
