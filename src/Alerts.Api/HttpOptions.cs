using System.Net;

namespace Alerts.Api;

/// <summary>HTTP settings (section <c>Http</c>).</summary>
public sealed class HttpOptions
{
    public const string SectionName = "Http";

    /// <summary>
    /// <c>;</c>-separated addresses and CIDR ranges of the proxies in front of the app (<c>127.0.0.1;10.0.0.0/8</c>). Only a
    /// request whose connection comes from one of them has its <c>X-Forwarded-For</c> read, and only the entries those
    /// proxies appended: the client is the rightmost entry that is not itself a trusted proxy. Empty (the default): the
    /// connection's own address is the client. See docs/security.md for what to set in Azure.
    /// </summary>
    public string TrustedProxies { get; set; } = string.Empty;

    /// <summary>The parsed <see cref="TrustedProxies"/>; an entry that does not parse makes the options invalid (see <see cref="Invalid"/>).</summary>
    public IReadOnlyList<IPNetwork> TrustedProxyList =>
        Entries.Select(e => TryParse(e, out var network) ? network : (IPNetwork?)null).OfType<IPNetwork>().ToList();

    /// <summary>The entries of <see cref="TrustedProxies"/> that are neither an address nor a CIDR range.</summary>
    public IReadOnlyList<string> Invalid => Entries.Where(e => !TryParse(e, out _)).ToList();

    private IEnumerable<string> Entries => TrustedProxies.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);

    private static bool TryParse(string entry, out IPNetwork network)
    {
        if (entry.Contains('/', StringComparison.Ordinal))
        {
            return IPNetwork.TryParse(entry, out network);
        }

        if (IPAddress.TryParse(entry, out var address))
        {
            network = new IPNetwork(address, address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128);
            return true;
        }

        network = default;
        return false;
    }
}
