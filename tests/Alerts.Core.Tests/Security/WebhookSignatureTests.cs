using System.Text;
using Alerts.Core.Security;
using Alerts.Core.Tests.TestSupport;
using Microsoft.Extensions.Time.Testing;

namespace Alerts.Core.Tests.Security;

public class WebhookSignatureTests
{
    private const string Secret = "whsec_current";
    private const string OldSecret = "whsec_previous";
    private static readonly byte[] Body = Encoding.UTF8.GetBytes("""{"ticker":"CIFR","firm":"JPMorgan","action":"upgrade"}""");

    private readonly FakeTimeProvider _time = new(TestChanges.Now);

    private long NowSeconds => _time.GetUtcNow().ToUnixTimeSeconds();

    private SignatureCheck Verify(string? header, byte[]? body = null, params string[] secrets) =>
        WebhookSignature.Verify(header, body ?? Body, secrets.Length == 0 ? [Secret] : secrets, _time.GetUtcNow());

    private static string Hex(string secret, long t, byte[] body) =>
        WebhookSignature.Sign(secret, t, body).Split(",v1=")[1];

    [Fact]
    public void Sign_Header_HasStripeShape()
    {
        var header = WebhookSignature.Sign(Secret, NowSeconds, Body);

        Assert.Matches($"^t={NowSeconds},v1=[0-9a-f]{{64}}$", header);
    }

    [Fact]
    public void Sign_KnownVector_IsHmacSha256OfTimestampDotBody()
    {
        // HMAC-SHA256(key "secret", "1700000000.{}") computed independently.
        using var hmac = new System.Security.Cryptography.HMACSHA256(Encoding.UTF8.GetBytes("secret"));
        var expected = Convert.ToHexStringLower(hmac.ComputeHash(Encoding.UTF8.GetBytes("1700000000.{}")));

        Assert.Equal($"t=1700000000,v1={expected}", WebhookSignature.Sign("secret", 1700000000, "{}"u8));
    }

    [Fact]
    public void Verify_SignedNow_IsValid() =>
        Assert.Equal(SignatureCheck.Valid, Verify(WebhookSignature.Sign(Secret, NowSeconds, Body)));

    [Fact]
    public void Verify_SignedWithSecondConfiguredSecret_IsValid() =>
        Assert.Equal(SignatureCheck.Valid, Verify(WebhookSignature.Sign(OldSecret, NowSeconds, Body), null, Secret, OldSecret));

    [Fact]
    public void Verify_SeveralV1ValuesOneRight_IsValid()
    {
        var header = $"t={NowSeconds},v1={Hex("some-other-secret", NowSeconds, Body)},v1={Hex(Secret, NowSeconds, Body)}";

        Assert.Equal(SignatureCheck.Valid, Verify(header));
    }

    [Fact]
    public void Verify_UnknownSchemeAndSpaces_AreIgnored()
    {
        var header = $" t={NowSeconds} , v0=whatever , v1={Hex(Secret, NowSeconds, Body)} ";

        Assert.Equal(SignatureCheck.Valid, Verify(header));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void Verify_NoHeader_IsMissing(string? header) =>
        Assert.Equal(SignatureCheck.Missing, Verify(header));

    [Theory]
    [InlineData("v1={hex}")]
    [InlineData("t={t}")]
    [InlineData("t={t},v0={hex}")]
    [InlineData("t=abc,v1={hex}")]
    [InlineData("t=-5,v1={hex}")]
    [InlineData("t=,v1={hex}")]
    [InlineData("t={t},v1=")]
    [InlineData("t={t},v1=abcdef")]
    [InlineData("t={t},v1={hex}00")]
    [InlineData("t={t},v1=zz{hex62}")]
    [InlineData("t={t},{hex}")]
    [InlineData("garbage")]
    [InlineData("=,=")]
    [InlineData("sha256={hex}")]
    public void Verify_MalformedHeader_IsMalformed(string template)
    {
        var hex = Hex(Secret, NowSeconds, Body);
        var header = template
            .Replace("{t}", NowSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("{hex62}", hex[2..], StringComparison.Ordinal)
            .Replace("{hex}", hex, StringComparison.Ordinal);

        Assert.Equal(SignatureCheck.Malformed, Verify(header));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-299)]
    [InlineData(-300)]
    [InlineData(300)]
    public void Verify_WithinTolerance_IsValid(int offsetSeconds)
    {
        var t = NowSeconds + offsetSeconds;

        Assert.Equal(SignatureCheck.Valid, Verify(WebhookSignature.Sign(Secret, t, Body)));
    }

    [Theory]
    [InlineData(-301)]
    [InlineData(-86400)]
    [InlineData(301)]
    [InlineData(86400 * 365)]
    public void Verify_OutsideTolerance_IsExpired(int offsetSeconds)
    {
        var t = NowSeconds + offsetSeconds;

        Assert.Equal(SignatureCheck.Expired, Verify(WebhookSignature.Sign(Secret, t, Body)));
    }

    [Fact]
    public void Verify_SignedThenClockAdvancedPastTolerance_IsExpired()
    {
        var header = WebhookSignature.Sign(Secret, NowSeconds, Body);
        Assert.Equal(SignatureCheck.Valid, Verify(header));

        _time.Advance(TimeSpan.FromSeconds(301));

        Assert.Equal(SignatureCheck.Expired, Verify(header));
    }

    [Fact]
    public void Verify_HugeTimestamp_IsExpiredNotAnException() =>
        Assert.Equal(SignatureCheck.Expired, Verify($"t={long.MaxValue},v1={new string('a', 64)}"));

    [Fact]
    public void Verify_SignedWithAnotherSecret_IsMismatch() =>
        Assert.Equal(SignatureCheck.Mismatch, Verify(WebhookSignature.Sign("not-our-secret", NowSeconds, Body)));

    [Fact]
    public void Verify_OldSecretNoLongerConfigured_IsMismatch() =>
        Assert.Equal(SignatureCheck.Mismatch, Verify(WebhookSignature.Sign(OldSecret, NowSeconds, Body), null, Secret));

    [Fact]
    public void Verify_BodyChangedByOneByte_IsMismatch()
    {
        var header = WebhookSignature.Sign(Secret, NowSeconds, Body);
        var changed = (byte[])Body.Clone();
        changed[^2] ^= 0x01;

        Assert.Equal(SignatureCheck.Mismatch, Verify(header, changed));
    }

    [Fact]
    public void Verify_BodyWithOneByteAppended_IsMismatch()
    {
        var header = WebhookSignature.Sign(Secret, NowSeconds, Body);

        Assert.Equal(SignatureCheck.Mismatch, Verify(header, [.. Body, (byte)' ']));
    }

    [Fact]
    public void Verify_TimestampReplacedKeepingSignature_IsMismatch()
    {
        var header = $"t={NowSeconds + 1},v1={Hex(Secret, NowSeconds, Body)}";

        Assert.Equal(SignatureCheck.Mismatch, Verify(header));
    }

    [Fact]
    public void Verify_UpperCaseHex_IsValid()
    {
        var header = $"t={NowSeconds},v1={Hex(Secret, NowSeconds, Body).ToUpperInvariant()}";

        Assert.Equal(SignatureCheck.Valid, Verify(header));
    }

    [Fact]
    public void SignV2_KnownVector_IsHmacSha256OfTimestampDotPathAndQueryDotBody()
    {
        using var hmac = new System.Security.Cryptography.HMACSHA256(Encoding.UTF8.GetBytes("secret"));
        var expected = Convert.ToHexStringLower(hmac.ComputeHash(Encoding.UTF8.GetBytes("1700000000./api/ratings?dryRun=true.{}")));

        Assert.Equal($"t=1700000000,v2={expected}", WebhookSignature.SignV2("secret", 1700000000, "/api/ratings?dryRun=true", "{}"u8));
    }

    [Theory]
    [InlineData("/api/ratings?dryRun=true", "/api/ratings?dryRun=true", SignatureCheck.Valid)]
    [InlineData("/api/ratings?dryRun=true", "/api/ratings?dryRun=false", SignatureCheck.Mismatch)]
    [InlineData("/api/ratings?dryRun=true", "/api/ratings", SignatureCheck.Mismatch)]
    [InlineData("/api/ratings", "/api/ratings", SignatureCheck.Valid)]
    public void Verify_V2_CoversPathAndQuery(string signed, string sent, SignatureCheck expected)
    {
        var header = WebhookSignature.SignV2(Secret, NowSeconds, signed, Body);

        Assert.Equal(expected, WebhookSignature.Verify(header, sent, Body, [Secret], _time.GetUtcNow(), out _));
    }

    [Fact]
    public void Verify_V1OnRequestWithQuery_IsQueryNotSigned()
    {
        var header = WebhookSignature.Sign(Secret, NowSeconds, Body);

        Assert.Equal(SignatureCheck.QueryNotSigned, WebhookSignature.Verify(header, "/api/ratings?url=https://phish.example/", Body, [Secret], _time.GetUtcNow(), out _));
        Assert.Equal(SignatureCheck.Valid, WebhookSignature.Verify(header, "/api/ratings", Body, [Secret], _time.GetUtcNow(), out var signedAt));
        Assert.Equal(NowSeconds, signedAt.ToUnixTimeSeconds());
    }
}
