using Alerts.Core;
using Alerts.Core.Delivery;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Alerts.Infrastructure.Email;

/// <summary>
/// Writes each email as an RFC 5322 <c>.eml</c> file into the pickup directory (when no SendGrid key is set).
/// The file appears whole or not at all: it is written under a temporary name and then renamed.
/// </summary>
/// <remarks>
/// Alert and digest emails are written once per reference (their alert or digest id): an email whose reference already
/// has a file is not written again, also after a restart (the directory's names are read once, on the first send; each is
/// kept as a 128-bit hash of its "{category}-{reference}", 16 bytes instead of a string, since the mailbox keeps growing). So
/// the pickup carrier closes the window SendGrid leaves open: a crash after the files were written and before the sent
/// log recorded them resends nothing once the claims expire. Confirmations may be sent again on purpose and are not
/// held to this.
/// </remarks>
internal sealed class PickupDirectoryEmailSender(IOptions<EmailOptions> options, TimeProvider time) : IEmailSender
{
    private static readonly HashSet<string> OncePerReference = new(StringComparer.Ordinal) { AlertEmailComposer.Category, DigestEmailComposer.Category };

    private readonly Lazy<System.Collections.Concurrent.ConcurrentDictionary<UInt128, byte>> _written = new(() => Existing(Path.GetFullPath(options.Value.PickupDirectory)));

    /// <summary>RFC 5322 lines end in CRLF, whatever the platform.</summary>
    private static readonly FormatOptions Rfc5322 = new() { NewLineFormat = NewLineFormat.Dos };

    /// <summary>What an alert email with the street's context takes, about, so that formatting it seldom grows the buffer.</summary>
    private const int FormattedCapacity = 32 * 1024;

    public string Directory { get; } = Path.GetFullPath(options.Value.PickupDirectory);

    public async Task<EmailSendResult> SendAsync(EmailMessage message, CancellationToken cancellationToken)
    {
        try
        {
            await WriteAsync(message, cancellationToken);
            return EmailSendResult.Accepted;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return EmailSendResult.Transient($"Could not write to the pickup directory: {ex.Message}");
        }
    }

    /// <summary>
    /// A file per recipient. All or nothing, like one carrier request: when a write fails, the files already written for
    /// this batch are removed again, so that the retry of the batch leaves exactly one file per recipient.
    /// </summary>
    public async Task<EmailSendResult> SendBatchAsync(EmailBatch batch, CancellationToken cancellationToken)
    {
        var written = new List<string>(batch.Recipients.Count);
        try
        {
            for (var i = 0; i < batch.Recipients.Count; i++)
            {
                if (await WriteAsync(batch.Expand(i), cancellationToken) is { } path)
                {
                    written.Add(path);
                }
            }

            return EmailSendResult.Accepted;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or OperationCanceledException)
        {
            foreach (var path in written)
            {
                File.Delete(path);
                _written.Value.TryRemove(HashOf(KeyOf(path)), out _);
            }

            if (ex is OperationCanceledException)
            {
                throw;
            }

            return EmailSendResult.Transient($"Could not write to the pickup directory: {ex.Message}");
        }
    }

    /// <summary>
    /// Writes the file under a temporary name, then renames it; returns its path (null when it was written before). The
    /// email is formatted in memory and written in one request (a file stream's small writes, each a trip to the thread
    /// pool, cost more than the email), into a new file (no truncation of one that may exist, as for <see cref="FileMode.Create"/>).
    /// </summary>
    private async Task<string?> WriteAsync(EmailMessage message, CancellationToken cancellationToken)
    {
        var key = $"{message.Category}-{message.Reference}";
        var once = OncePerReference.Contains(message.Category);
        if (once && _written.Value.ContainsKey(HashOf(key)))
        {
            return null;
        }

        var now = time.GetUtcNow();
        var name = $"{now:yyyyMMdd'T'HHmmssfff}-{key}.eml";
        var path = Path.Combine(Directory, name);
        var temporary = Path.Combine(Directory, $".{name}.{Guid.NewGuid():N}.tmp");
        using var formatted = new MemoryStream(FormattedCapacity);
        ToMime(message, now).WriteTo(Rfc5322, formatted, cancellationToken);
        var bytes = new ReadOnlyMemory<byte>(formatted.GetBuffer(), 0, (int)formatted.Length);
        try
        {
            await WriteNewAsync(temporary, bytes, cancellationToken);
        }
        catch (DirectoryNotFoundException)
        {
            // Not created yet, or removed while running: made again, once.
            System.IO.Directory.CreateDirectory(Directory);
            await WriteNewAsync(temporary, bytes, cancellationToken);
        }

        File.Move(temporary, path, overwrite: true);
        if (once)
        {
            _written.Value[HashOf(key)] = 0;
        }

        return path;
    }

    private static async Task WriteNewAsync(string path, ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
    {
        using var file = File.OpenHandle(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, FileOptions.Asynchronous);
        try
        {
            await RandomAccess.WriteAsync(file, bytes, fileOffset: 0, cancellationToken);
        }
        catch
        {
            file.Dispose();
            File.Delete(path);
            throw;
        }
    }

    /// <summary>The "{category}-{reference}" of every email file already in the directory.</summary>
    private static System.Collections.Concurrent.ConcurrentDictionary<UInt128, byte> Existing(string directory)
    {
        var written = new System.Collections.Concurrent.ConcurrentDictionary<UInt128, byte>();
        if (System.IO.Directory.Exists(directory))
        {
            foreach (var file in System.IO.Directory.EnumerateFiles(directory, "*.eml"))
            {
                written[HashOf(KeyOf(file))] = 0;
            }
        }

        return written;
    }

    /// <summary>The first 128 bits of the SHA-256 of a "{category}-{reference}": a million keys share one with a chance below 10^-26.</summary>
    internal static UInt128 HashOf(string key)
    {
        Span<byte> hash = stackalloc byte[System.Security.Cryptography.SHA256.HashSizeInBytes];
        System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(key), hash);
        return System.Buffers.Binary.BinaryPrimitives.ReadUInt128LittleEndian(hash);
    }

    /// <summary>"{category}-{reference}" of a file named "{timestamp}-{category}-{reference}.eml".</summary>
    private static string KeyOf(string path)
    {
        var name = Path.GetFileNameWithoutExtension(path);
        var dash = name.IndexOf('-', StringComparison.Ordinal);
        return dash > 0 ? name[(dash + 1)..] : name;
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
