using System.Net;
using Alerts.Core.Channels;

namespace Alerts.Core.Tests.Channels;

public class ChannelAddressesTests
{
    [Theory]
    [InlineData("10.0.0.1", "private")]
    [InlineData("172.16.5.4", "private")]
    [InlineData("172.31.255.255", "private")]
    [InlineData("192.168.0.1", "private")]
    [InlineData("100.64.0.1", "shared")]
    [InlineData("169.254.169.254", "link-local")]
    [InlineData("0.0.0.0", "unspecified")]
    [InlineData("224.0.0.1", "multicast")]
    [InlineData("fe80::1", "link-local")]
    [InlineData("fd12:3456::1", "private")]
    [InlineData("::ffff:192.168.1.1", "private")]
    [InlineData("::", "unspecified")]
    public void AddressProblem_InsideTheNetwork_Refused(string address, string says) =>
        Assert.Contains(says, ChannelAddresses.AddressProblem(IPAddress.Parse(address), allowLoopback: true), StringComparison.Ordinal);

    [Theory]
    [InlineData("93.184.215.14")]
    [InlineData("172.32.0.1")]
    [InlineData("100.128.0.1")]
    [InlineData("2606:4700::6810:84e5")]
    public void AddressProblem_PublicAddress_Allowed(string address) =>
        Assert.Null(ChannelAddresses.AddressProblem(IPAddress.Parse(address), allowLoopback: false));

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("::1")]
    [InlineData("::ffff:127.0.0.1")]
    public void AddressProblem_Loopback_AllowedOnlyWhenSet(string address)
    {
        Assert.Contains("loopback", ChannelAddresses.AddressProblem(IPAddress.Parse(address), allowLoopback: false), StringComparison.Ordinal);
        Assert.Null(ChannelAddresses.AddressProblem(IPAddress.Parse(address), allowLoopback: true));
    }

    [Fact]
    public void AddressesProblem_OnePrivateAmongPublic_Refused() =>
        Assert.NotNull(ChannelAddresses.AddressesProblem([IPAddress.Parse("93.184.215.14"), IPAddress.Parse("10.1.1.1")], allowLoopback: false));

    [Fact]
    public void AddressesProblem_NoAddress_Refused() =>
        Assert.Contains("does not resolve", ChannelAddresses.AddressesProblem([], allowLoopback: false), StringComparison.Ordinal);

    [Theory]
    [InlineData("https://hooks.slack.com/services/x", false, null)]
    [InlineData("http://hooks.slack.com/services/x", false, "https")]
    [InlineData("http://hooks.slack.com/services/x", true, "https")]
    [InlineData("http://127.0.0.1:8080/hook", true, null)]
    [InlineData("http://127.0.0.1:8080/hook", false, "https")]
    [InlineData("https://user:pass@example.com/hook", false, "user name")]
    public void UrlProblem_SchemeAndForm(string url, bool allowLoopback, string? says)
    {
        var problem = ChannelAddresses.UrlProblem(new Uri(url), allowLoopback);
        if (says is null)
        {
            Assert.Null(problem);
        }
        else
        {
            Assert.Contains(says, problem, StringComparison.Ordinal);
        }
    }
}
