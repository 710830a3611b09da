using Alerts.Core;
using Alerts.Core.Delivery;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Alerts.Infrastructure.Email;

/// <summary>
/// Writes each email as an RFC 5322 <c>.eml</c> file into the pickup directory (when no SendGrid key is set).
/// The file appears whole or not at all: it is written under a temporary name and then renamed.
/// </summary>
internal sealed class PickupDirectoryEmailSender(IOptions<EmailOptions> options, TimeProvider time) : IEmailSender
{
    /// <summary>RFC 5322 lines end in CRLF, whatever the platform.</summary>
    private static readonly FormatOptions Rfc5322 = new() { NewLineFormat = NewLineFormat.Dos };

    public string Directory => Path.GetFullPath(options.Value.PickupDirectory);

    public async Task<EmailSendResult> SendAsync(EmailMessage message, CancellationToken cancellationToken)
    {
        try
        {
            System.IO.Directory.CreateDirectory(Directory);
            var now = time.GetUtcNow();
            var name = $"{now:yyyyMMdd'T'HHmmssfff}-{message.Category}-{message.Reference}.eml";
            var path = Path.Combine(Directory, name);
            var temporary = Path.Combine(Directory, "." + name + ".tmp");
            var mime = ToMime(message, now);
            await using (var stream = File.Create(temporary))
            {
                await mime.WriteToAsync(Rfc5322, stream, cancellationToken);
            }

            File.Move(temporary, path, overwrite: true);
            return EmailSendResult.Accepted;
        }
        catch (IOException ex)
        {
            return EmailSendResult.Transient($"Could not write to the pickup directory: {ex.Message}");
        }
        catch (UnauthorizedAccessException ex)
        {
            return EmailSendResult.Transient($"Could not write to the pickup directory: {ex.Message}");
        }
    }

    internal static MimeMessage ToMime(EmailMessage message, DateTimeOffset date)
    {
        var mime = new MimeMessage
        {
            Subject = message.Subject,
            Date = date,
            MessageId = $"{message.Reference}.{message.Category}@alerts",
        };
        mime.From.Add(new MailboxAddress(message.FromName, message.FromAddress));
        mime.To.Add(MailboxAddress.Parse(message.To));
        foreach (var (name, value) in message.Headers)
        {
            mime.Headers.Add(name, value);
        }

        mime.Body = new BodyBuilder { TextBody = message.TextBody, HtmlBody = message.HtmlBody }.ToMessageBody();
        return mime;
    }
}
