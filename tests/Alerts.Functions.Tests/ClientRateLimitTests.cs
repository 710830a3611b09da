using System.Net;
using Microsoft.AspNetCore.Http;

namespace Alerts.Functions.Tests;

/// <summary>
/// Issue 19, finding 2: the per-client limit on new subscriptions (5 an hour in these tests) keys on the real client:
/// <c>X-Forwarded-For</c> is read only from a trusted proxy (here the loopback address, as the Functions host forwards),
/// ports are dropped, and an IPv6 client is its /64.
/// </summary>
[Collection(AlertsAppCollection.Name)]
public sealed class ClientRateLimitTests(AlertsApp app)
{
    private const int Limit = 5;

    /// <summary>A fresh client address for each test (198.18.0.0/15, the benchmarking range), so tests never share a bucket.</summary>
    private static string FreshIPv4() => $"198.{18 + Random.Shared.Next(0, 2)}.{Random.Shared.Next(0, 256)}.{Random.Shared.Next(1, 255)}";

    private static string FreshIPv6Prefix() => $"2001:db8:{Random.Shared.Next(0, 0xffff):x}:{Random.Shared.Next(0, 0xffff):x}";

    private async Task<List<int>> SubscribeAsync(IEnumerable<string?> forwardedFor, IPAddress? connection = null)
    {
        var statuses = new List<int>();
        foreach (var forwarded in forwardedFor)
        {
            var headers = new Dictionary<string, string>();
            if (forwarded is not null)
            {
                headers["X-Forwarded-For"] = forwarded;
            }

            var response = await app.CallAsync(
                r =>
                {
                    if (forwarded is null)
                    {
                        r.Headers.Remove("X-Forwarded-For");
                    }

                    return app.Subscriptions.CreateAsync(r, CancellationToken.None);
                },
                "POST", "/api/subscriptions", $"{{\"email\":\"{TestData.Email()}\",\"tickers\":[\"AAPL\"]}}", "application/json", headers, connection);
            statuses.Add(response.Status);
        }

        return statuses;
    }

    [Fact]
    public async Task PostSubscriptions_ForwardedForFromAnUntrustedConnection_IsIgnored()
    {
        var connection = IPAddress.Parse(FreshIPv4());

        var statuses = await SubscribeAsync(Enumerable.Range(0, Limit + 2).Select(_ => FreshIPv4()), connection);

        Assert.All(statuses.Take(Limit), s => Assert.Equal(StatusCodes.Status201Created, s));
        Assert.All(statuses.Skip(Limit), s => Assert.Equal(StatusCodes.Status429TooManyRequests, s));
    }

    [Fact]
    public async Task PostSubscriptions_OneClientOnManySourcePorts_IsOneClient()
    {
        var client = FreshIPv4();

        var statuses = await SubscribeAsync(Enumerable.Range(0, Limit + 2).Select(i => $"{client}:{50000 + i}"));

        Assert.Equal(Limit, statuses.Count(s => s == StatusCodes.Status201Created));
        Assert.Equal(StatusCodes.Status429TooManyRequests, statuses[^1]);
    }

    [Fact]
    public async Task PostSubscriptions_IPv6AddressesOfOne64_AreOneClient()
    {
        var prefix = FreshIPv6Prefix();
        string[] forms = [$"[{prefix}::1]:443", $"{prefix}::2", $"{prefix}:ffff:ffff:ffff:ffff", $"[{prefix}:1:2:3:4]:50000", $"{prefix}::5", $"{prefix}::6", $"{prefix}::7"];

        var statuses = await SubscribeAsync(forms);

        Assert.Equal(Limit, statuses.Count(s => s == StatusCodes.Status201Created));
        Assert.Equal(StatusCodes.Status429TooManyRequests, statuses[^1]);
    }

    [Fact]
    public async Task PostSubscriptions_ClientSpoofingEntriesLeftOfTheProxys_IsStillOneClient()
    {
        var client = FreshIPv4();

        // What a trusted proxy appends is the truth; what the client sent before it is not.
        var statuses = await SubscribeAsync(Enumerable.Range(0, Limit + 2).Select(_ => $"{FreshIPv4()}, {client}:1234"));

        Assert.Equal(Limit, statuses.Count(s => s == StatusCodes.Status201Created));
    }

    [Fact]
    public async Task PostSubscriptions_TrustedProxysOwnEntries_AreSkipped()
    {
        var client = FreshIPv4();

        var statuses = await SubscribeAsync(Enumerable.Range(0, Limit + 2).Select(i => $"{client}, 127.0.0.1"));

        Assert.Equal(Limit, statuses.Count(s => s == StatusCodes.Status201Created));
    }
}
