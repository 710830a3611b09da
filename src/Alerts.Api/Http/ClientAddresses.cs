using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;

namespace Alerts.Api.Http;

/// <summary>
/// Who a request comes from, for per-client limits: the connection's address, or, when the connection comes from a
/// trusted proxy (<see cref="HttpOptions.TrustedProxies"/>), the rightmost <c>X-Forwarded-For</c> entry that is not a
/// trusted proxy (entries further left are whatever the client sent). Ports are dropped (<c>203.0.113.9:50123</c>,
/// <c>[2001:db8::1]:443</c>), IPv4-mapped IPv6 is IPv4, and an IPv6 client is its /64 (one host usually holds a whole /64).
/// </summary>
public sealed class ClientAddresses(IOptions<HttpOptions> options)
{
    private readonly IReadOnlyList<IPNetwork> _trusted = options.Value.TrustedProxyList;

    /// <summary>The client's key: an IPv4 address, an IPv6 /64 (<c>2001:db8:1:2::/64</c>), or "unknown".</summary>
    public string ClientOf(IPAddress? connection, string? forwardedFor)
    {
        if (connection is null)
        {
            return "unknown";
        }

        var client = Normalize(connection);
        if (!IsTrusted(client) || string.IsNullOrWhiteSpace(forwardedFor))
        {
            return Key(client);
        }

        var entries = forwardedFor.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        for (var i = entries.Length - 1; i >= 0; i--)
        {
            if (TryParseEntry(entries[i], out var address) is false)
            {
                // Not an address: the chain cannot be followed further; the last hop known is the client.
                return Key(client);
            }

            client = Normalize(address);
            if (!IsTrusted(client))
            {
                return Key(client);
            }
        }

        return Key(client);
    }

    /// <summary>An <c>X-Forwarded-For</c> entry: <c>203.0.113.9</c>, <c>203.0.113.9:50123</c>, <c>2001:db8::1</c>, <c>[2001:db8::1]:443</c>, <c>"[2001:db8::1]"</c>.</summary>
    internal static bool TryParseEntry(string entry, out IPAddress address)
    {
        var text = entry.Trim().Trim('"');
        if (text.StartsWith('['))
        {
            var close = text.IndexOf(']', StringComparison.Ordinal);
            text = close > 0 ? text[1..close] : text;
        }
        else if (text.Count(c => c == ':') == 1)
        {
            text = text[..text.IndexOf(':', StringComparison.Ordinal)];
        }

        return IPAddress.TryParse(text, out address!);
    }

    private bool IsTrusted(IPAddress address) => _trusted.Any(network => network.Contains(address));

    private static IPAddress Normalize(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;

    private static string Key(IPAddress address)
    {
        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return address.ToString();
        }

        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes).ToString() + "/64";
    }
}
