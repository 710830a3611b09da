using System.Text;
using Alerts.Core.Delivery;
using Alerts.Core.Tests.TestSupport;
using Microsoft.Extensions.Time.Testing;

namespace Alerts.Core.Tests.Delivery;

public class EmailEventProcessorTests
{
    private readonly InMemorySuppressionList _suppressions = new();

    [Fact]
    public async Task ProcessAsync_SuppressingEvents_SuppressTheirAddressesOnly()
    {
        var body = """
            [
              {"email":"bounced@example.com","event":"bounce","type":"bounce","reason":"550 unknown user"},
              {"email":"blocked@example.com","event":"bounce","type":"blocked","reason":"temporary"},
              {"email":"dropped@example.com","event":"dropped","reason":"Bounced Address"},
              {"email":"spam@example.com","event":"spamreport"},
              {"email":"unsub@example.com","event":"unsubscribe"},
              {"email":"group@example.com","event":"group_unsubscribe"},
              {"email":"fine@example.com","event":"delivered"},
              {"email":"opened@example.com","event":"open"},
              {"event":"bounce"},
              42
            ]
            """;
        var events = EmailEventProcessor.Parse(Encoding.UTF8.GetBytes(body));
        Assert.NotNull(events);

        var suppressed = await new EmailEventProcessor(_suppressions, new FakeTimeProvider()).ProcessAsync(events, CancellationToken.None);

        Assert.Equal(5, suppressed);
        foreach (var address in new[] { "bounced", "dropped", "spam", "unsub", "group" })
        {
            Assert.True(await _suppressions.IsSuppressedAsync($"{address}@example.com", CancellationToken.None), address);
        }

        foreach (var address in new[] { "blocked", "fine", "opened" })
        {
            Assert.False(await _suppressions.IsSuppressedAsync($"{address}@example.com", CancellationToken.None), address);
        }
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("not json")]
    [InlineData("\"text\"")]
    public void Parse_NotAnArray_ReturnsNull(string body) =>
        Assert.Null(EmailEventProcessor.Parse(Encoding.UTF8.GetBytes(body)));
}
