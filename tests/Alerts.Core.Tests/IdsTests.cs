using System.Security.Cryptography;
using System.Text;
using Alerts.Core.Matching;

namespace Alerts.Core.Tests;

public class IdsTests
{
    /// <summary>The definition: hex of SHA-256 over the UTF-8 bytes, cut to length (ids stored before must stay the same).</summary>
    private static string Reference(string value, int length) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(value)))[..length];

    public static TheoryData<string> Values => new()
    {
        string.Empty,
        "alert|change-cifr-1|sub-1",
        "Société Générale → 目標株価 ✓",
        new string('x', 255),
        new string('é', 1000),
        new string('z', 5000),
    };

    [Theory]
    [MemberData(nameof(Values))]
    public void Digest_IsSha256HexCutToLength(string value)
    {
        foreach (var length in new[] { 1, 20, 31, 32, 64 })
        {
            Assert.Equal(Reference(value, length), Ids.Digest(value, length));
        }
    }

    [Theory]
    [MemberData(nameof(Values))]
    public void Digest_OfParts_IsTheDigestOfThePartsJoinedByBars(string value)
    {
        Assert.Equal(Reference($"alert|{value}|sub-9", 32), Ids.Digest("alert", value, "sub-9", 32));
        Assert.Equal(Reference($"alert|change-1|{value}", 32), AlertIds.For("change-1", value));
    }
}
