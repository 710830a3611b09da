using System.Security.Cryptography;
using System.Text;
using Alerts.Core.Security;

namespace Alerts.Core.Tests.Security;

public sealed class SendGridEventSignatureTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2025, 12, 2, 13, 30, 0, TimeSpan.Zero);
    private const string Body = """[{"email":"ana@example.com","event":"bounce","type":"bounce","reason":"550 no such user"}]""";

    private readonly ECDsa _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly SendGridEventSignature _signature;

    public SendGridEventSignatureTests() =>
        _signature = new SendGridEventSignature(Convert.ToBase64String(_key.ExportSubjectPublicKeyInfo()));

    public void Dispose()
    {
        _signature.Dispose();
        _key.Dispose();
    }

    private string Sign(string timestamp, string body, ECDsa? key = null) =>
        Convert.ToBase64String((key ?? _key).SignData(Encoding.UTF8.GetBytes(timestamp + body), HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence));

    private static string Timestamp(DateTimeOffset at) => at.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public void Verify_SignedBySendGridsKey_IsValid()
    {
        var timestamp = Timestamp(Now);

        Assert.Equal(SignatureCheck.Valid, _signature.Verify(Sign(timestamp, Body), timestamp, Encoding.UTF8.GetBytes(Body), Now));
    }

    [Fact]
    public void Verify_BodyChangedByOneCharacter_IsMismatch()
    {
        var timestamp = Timestamp(Now);

        Assert.Equal(SignatureCheck.Mismatch, _signature.Verify(Sign(timestamp, Body), timestamp, Encoding.UTF8.GetBytes(Body.Replace("bounce\",\"type", "bouncf\",\"type", StringComparison.Ordinal)), Now));
    }

    [Fact]
    public void Verify_TimestampChanged_IsMismatch()
    {
        var timestamp = Timestamp(Now);

        Assert.Equal(SignatureCheck.Mismatch, _signature.Verify(Sign(timestamp, Body), Timestamp(Now.AddSeconds(1)), Encoding.UTF8.GetBytes(Body), Now));
    }

    [Fact]
    public void Verify_SignedByAnotherKey_IsMismatch()
    {
        using var other = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var timestamp = Timestamp(Now);

        Assert.Equal(SignatureCheck.Mismatch, _signature.Verify(Sign(timestamp, Body, other), timestamp, Encoding.UTF8.GetBytes(Body), Now));
    }

    [Theory]
    [InlineData(-601)]
    [InlineData(601)]
    public void Verify_OutsideTenMinutes_IsExpired(int secondsOff)
    {
        var timestamp = Timestamp(Now.AddSeconds(secondsOff));

        Assert.Equal(SignatureCheck.Expired, _signature.Verify(Sign(timestamp, Body), timestamp, Encoding.UTF8.GetBytes(Body), Now));
    }

    [Theory]
    [InlineData(null, "1764682200")]
    [InlineData("c2ln", null)]
    [InlineData("", "")]
    public void Verify_HeaderMissing_IsMissing(string? signature, string? timestamp) =>
        Assert.Equal(SignatureCheck.Missing, _signature.Verify(signature, timestamp, Encoding.UTF8.GetBytes(Body), Now));

    [Theory]
    [InlineData("not base64!", "1764682200")]
    [InlineData("c2lnbmF0dXJl", "yesterday")]
    [InlineData("c2lnbmF0dXJl", "1764682200")]
    public void Verify_Malformed_IsMalformedOrMismatch(string signature, string timestamp) =>
        Assert.Contains(_signature.Verify(signature, timestamp, Encoding.UTF8.GetBytes(Body), Now), new[] { SignatureCheck.Malformed, SignatureCheck.Mismatch });
}
