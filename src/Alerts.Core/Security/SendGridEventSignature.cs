using System.Security.Cryptography;
using System.Text;

namespace Alerts.Core.Security;

/// <summary>
/// SendGrid's signed Event Webhook: ECDSA P-256 with SHA-256 over <c>timestamp + raw body</c>, the signature in
/// <c>X-Twilio-Email-Event-Webhook-Signature</c> (base64 DER) and the timestamp in
/// <c>X-Twilio-Email-Event-Webhook-Timestamp</c>, verified with the account's public key (base64 DER, from SendGrid's settings).
/// </summary>
public sealed class SendGridEventSignature : IDisposable
{
    public const string SignatureHeader = "X-Twilio-Email-Event-Webhook-Signature";
    public const string TimestampHeader = "X-Twilio-Email-Event-Webhook-Timestamp";

    /// <summary>Events signed longer ago than this (or this far in the future) are refused as replays. The default is 10 minutes.</summary>
    public static readonly TimeSpan Tolerance = TimeSpan.FromMinutes(10);

    private readonly ECDsa _key;

    public SendGridEventSignature(string publicKeyBase64)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(publicKeyBase64);
        _key = ECDsa.Create();
        _key.ImportSubjectPublicKeyInfo(Convert.FromBase64String(publicKeyBase64.Trim()), out _);
    }

    public SignatureCheck Verify(string? signature, string? timestamp, ReadOnlySpan<byte> body, DateTimeOffset now)
    {
        if (string.IsNullOrWhiteSpace(signature) || string.IsNullOrWhiteSpace(timestamp))
        {
            return SignatureCheck.Missing;
        }

        if (!long.TryParse(timestamp, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var seconds))
        {
            return SignatureCheck.Malformed;
        }

        byte[] signatureBytes;
        try
        {
            signatureBytes = Convert.FromBase64String(signature.Trim());
        }
        catch (FormatException)
        {
            return SignatureCheck.Malformed;
        }

        if (Math.Abs(now.ToUnixTimeSeconds() - seconds) > (long)Tolerance.TotalSeconds)
        {
            return SignatureCheck.Expired;
        }

        var signed = new byte[Encoding.UTF8.GetByteCount(timestamp) + body.Length];
        var written = Encoding.UTF8.GetBytes(timestamp, signed);
        body.CopyTo(signed.AsSpan(written));
        try
        {
            return _key.VerifyData(signed, signatureBytes, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence)
                ? SignatureCheck.Valid
                : SignatureCheck.Mismatch;
        }
        catch (CryptographicException)
        {
            return SignatureCheck.Malformed;
        }
    }

    public void Dispose() => _key.Dispose();
}
