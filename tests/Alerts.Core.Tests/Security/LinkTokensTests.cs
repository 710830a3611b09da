using Alerts.Core.Security;
using Alerts.Core.Tests.TestSupport;
using Microsoft.Extensions.Time.Testing;

namespace Alerts.Core.Tests.Security;

public class LinkTokensTests
{
    private const string Key = "current-key-0123456789";
    private const string OldKey = "previous-key-0123456789";
    private const string SubscriptionId = "9f2c4e6a8b0d1f3e5a7c9e1b3d5f7a9c";

    private readonly FakeTimeProvider _time = new(TestChanges.Now);

    private LinkTokens Tokens(params string[] keys) => new(keys.Length == 0 ? [Key] : keys, _time);

    [Theory]
    [InlineData(LinkPurpose.Confirm)]
    [InlineData(LinkPurpose.Manage)]
    [InlineData(LinkPurpose.Unsubscribe)]
    public void IsValid_OwnPurposeAndSubscription_True(LinkPurpose purpose)
    {
        var tokens = Tokens();

        Assert.True(tokens.IsValid(tokens.Create(purpose, SubscriptionId), purpose, SubscriptionId));
    }

    [Theory]
    [InlineData(LinkPurpose.Confirm, LinkPurpose.Manage)]
    [InlineData(LinkPurpose.Manage, LinkPurpose.Confirm)]
    [InlineData(LinkPurpose.Manage, LinkPurpose.Unsubscribe)]
    [InlineData(LinkPurpose.Unsubscribe, LinkPurpose.Manage)]
    [InlineData(LinkPurpose.Confirm, LinkPurpose.Unsubscribe)]
    public void IsValid_OtherPurpose_False(LinkPurpose madeFor, LinkPurpose usedFor)
    {
        var tokens = Tokens();

        Assert.False(tokens.IsValid(tokens.Create(madeFor, SubscriptionId), usedFor, SubscriptionId));
    }

    [Theory]
    [InlineData(LinkPurpose.Confirm)]
    [InlineData(LinkPurpose.Manage)]
    [InlineData(LinkPurpose.Unsubscribe)]
    public void IsValid_OtherSubscription_False(LinkPurpose purpose)
    {
        var tokens = Tokens();

        Assert.False(tokens.IsValid(tokens.Create(purpose, SubscriptionId), purpose, "another-subscription"));
    }

    [Fact]
    public void Create_ManageToken_HasNoExpiryAndBase64UrlSignature()
    {
        var token = Tokens().Create(LinkPurpose.Manage, SubscriptionId);

        Assert.Matches("^0\\.[A-Za-z0-9_-]{43}$", token);
    }

    [Fact]
    public void Create_ConfirmToken_ExpiresInSevenDays()
    {
        var token = Tokens().Create(LinkPurpose.Confirm, SubscriptionId);

        Assert.Equal(TestChanges.Now.AddDays(7).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture), token.Split('.')[0]);
    }

    [Fact]
    public void IsValid_ConfirmTokenAtSevenDays_TrueThenFalseAfter()
    {
        var tokens = Tokens();
        var token = tokens.Create(LinkPurpose.Confirm, SubscriptionId);

        _time.Advance(TimeSpan.FromDays(7));
        Assert.True(tokens.IsValid(token, LinkPurpose.Confirm, SubscriptionId));

        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.False(tokens.IsValid(token, LinkPurpose.Confirm, SubscriptionId));
    }

    [Theory]
    [InlineData(LinkPurpose.Manage)]
    [InlineData(LinkPurpose.Unsubscribe)]
    public void IsValid_ManageOrUnsubscribeTokenAfterYears_StillTrue(LinkPurpose purpose)
    {
        var tokens = Tokens();
        var token = tokens.Create(purpose, SubscriptionId);

        _time.Advance(TimeSpan.FromDays(3 * 365));

        Assert.True(tokens.IsValid(token, purpose, SubscriptionId));
    }

    [Fact]
    public void IsValid_SignatureCharacterChanged_False()
    {
        var tokens = Tokens();
        var token = tokens.Create(LinkPurpose.Manage, SubscriptionId);
        var last = token[^5];
        var tampered = token[..^5] + (last == 'A' ? 'B' : 'A') + token[^4..];

        Assert.False(tokens.IsValid(tampered, LinkPurpose.Manage, SubscriptionId));
    }

    [Fact]
    public void IsValid_ExpiryExtendedByHand_False()
    {
        var tokens = Tokens();
        var token = tokens.Create(LinkPurpose.Confirm, SubscriptionId);
        var parts = token.Split('.');
        var extended = (long.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture) + 86400 * 30) + "." + parts[1];

        _time.Advance(TimeSpan.FromDays(8));

        Assert.False(tokens.IsValid(extended, LinkPurpose.Confirm, SubscriptionId));
    }

    [Fact]
    public void IsValid_ConfirmTokenWithExpiryRemoved_False()
    {
        var tokens = Tokens();
        var token = tokens.Create(LinkPurpose.Confirm, SubscriptionId);

        Assert.False(tokens.IsValid("0." + token.Split('.')[1], LinkPurpose.Confirm, SubscriptionId));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("abc")]
    [InlineData(".abc")]
    [InlineData("0.")]
    [InlineData("0.!!!!")]
    [InlineData("x.AAAA")]
    [InlineData("-1.AAAA")]
    [InlineData("0.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    public void IsValid_Malformed_False(string? token) =>
        Assert.False(Tokens().IsValid(token, LinkPurpose.Manage, SubscriptionId));

    [Fact]
    public void IsValid_OverlongToken_False()
    {
        var tokens = Tokens();
        var token = tokens.Create(LinkPurpose.Manage, SubscriptionId);

        Assert.False(tokens.IsValid(token + new string('A', 200), LinkPurpose.Manage, SubscriptionId));
    }

    [Fact]
    public void IsValid_TokenOfOldKeyWhenOldKeyIsSecond_True()
    {
        var token = Tokens(OldKey).Create(LinkPurpose.Manage, SubscriptionId);

        Assert.True(Tokens(Key, OldKey).IsValid(token, LinkPurpose.Manage, SubscriptionId));
    }

    [Fact]
    public void Create_AfterRotation_SignsWithFirstKey()
    {
        var token = Tokens(Key, OldKey).Create(LinkPurpose.Manage, SubscriptionId);

        Assert.True(Tokens(Key).IsValid(token, LinkPurpose.Manage, SubscriptionId));
        Assert.False(Tokens(OldKey).IsValid(token, LinkPurpose.Manage, SubscriptionId));
    }

    [Fact]
    public void IsValid_TokenOfRetiredKey_False()
    {
        var token = Tokens(OldKey).Create(LinkPurpose.Manage, SubscriptionId);

        Assert.False(Tokens(Key).IsValid(token, LinkPurpose.Manage, SubscriptionId));
    }

    [Fact]
    public void Constructor_KeyShorterThan16_Throws()
    {
        Assert.Throws<ArgumentException>(() => new LinkTokens(["short-key"], _time));
        Assert.Throws<ArgumentException>(() => new LinkTokens([Key, "0123456789abcde"], _time));
    }

    [Fact]
    public void Constructor_NoKeys_Throws() =>
        Assert.Throws<ArgumentException>(() => new LinkTokens([], _time));

    [Fact]
    public void Constructor_SixteenCharacterKey_IsAccepted() =>
        Assert.True(new LinkTokens(["0123456789abcdef"], _time).Create(LinkPurpose.Manage, SubscriptionId).Length > 0);
}
