using System.Net;
using System.Net.Sockets;

namespace Alerts.Core.Channels;

/// <summary>
/// Which receivers Alerts may post to: an https URL (http only to loopback, and only while loopback is allowed) whose
/// host resolves to public addresses only. Private (RFC 1918, RFC 4193), shared (RFC 6598), link-local, unspecified,
/// multicast and (unless allowed) loopback addresses are refused, so that a subscriber cannot make Alerts call into the
/// network it runs in. Every address a host resolves to is checked, and the HTTP client connects only to checked ones.
/// </summary>
public static class ChannelAddresses
{
    /// <summary>What is wrong with <paramref name="url"/> before any lookup (scheme, form), or null.</summary>
    public static string? UrlProblem(Uri url, bool allowLoopback)
    {
        ArgumentNullException.ThrowIfNull(url);
        if (!string.IsNullOrEmpty(url.UserInfo))
        {
            return "must not carry a user name or password";
        }

        if (url.Scheme == Uri.UriSchemeHttps)
        {
            return null;
        }

        if (url.Scheme == Uri.UriSchemeHttp && allowLoopback)
        {
            return url.IsLoopback ? null : "must be https (http is allowed only to a loopback address, in local mode)";
        }

        return "must be an https URL";
    }

    /// <summary>Why Alerts must not connect to <paramref name="address"/>, or null when it may.</summary>
    public static string? AddressProblem(IPAddress address, bool allowLoopback)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (IPAddress.IsLoopback(address))
        {
            return allowLoopback ? null : "points to a loopback address";
        }

        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            var b = address.GetAddressBytes();
            return b[0] switch
            {
                0 => "points to an unspecified address",
                10 => "points to a private address",
                100 when (b[1] & 0xC0) == 64 => "points to a private (shared) address",
                169 when b[1] == 254 => "points to a link-local address",
                172 when (b[1] & 0xF0) == 16 => "points to a private address",
                192 when b[1] == 168 => "points to a private address",
                >= 224 => "points to a multicast or reserved address",
                _ => null,
            };
        }

        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            var b = address.GetAddressBytes();
            if (address.Equals(IPAddress.IPv6None) || address.Equals(IPAddress.IPv6Any))
            {
                return "points to an unspecified address";
            }

            if (address.IsIPv6LinkLocal || address.IsIPv6SiteLocal)
            {
                return "points to a link-local address";
            }

            if ((b[0] & 0xFE) == 0xFC)
            {
                return "points to a private address";
            }

            if (address.IsIPv6Multicast)
            {
                return "points to a multicast address";
            }

            return null;
        }

        return "points to an address that is not IPv4 or IPv6";
    }

    /// <summary>The first problem among <paramref name="addresses"/> (every one is checked), or null when all may be used.</summary>
    public static string? AddressesProblem(IReadOnlyList<IPAddress> addresses, bool allowLoopback)
    {
        ArgumentNullException.ThrowIfNull(addresses);
        if (addresses.Count == 0)
        {
            return "names a host that does not resolve";
        }

        foreach (var address in addresses)
        {
            if (AddressProblem(address, allowLoopback) is { } problem)
            {
                return problem;
            }
        }

        return null;
    }
}
