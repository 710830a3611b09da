using Alerts.Core;
using Alerts.Core.Delivery;
using Alerts.Infrastructure.Email;
using Alerts.Infrastructure.Tests.TestSupport;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using MimeKit;

namespace Alerts.Infrastructure.Tests.Email;

public sealed class PickupDirectoryEmailSenderTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "alerts-pickup-tests", Guid.NewGuid().ToString("N"));
    private readonly FakeTimeProvider _time = new(TestData.Now);

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    private PickupDirectoryEmailSender Sender(string? directory = null) =>
        new(Options.Create(new EmailOptions { PickupDirectory = directory ?? _directory }), _time);

    private string[] AllFiles() => Directory.GetFiles(_directory, "*", SearchOption.AllDirectories);

    private static string? Normalize(string? text) => text?.Replace("\r\n", "\n", StringComparison.Ordinal);

    [Fact]
    public async Task SendBatchAsync_WritesOneFilePerRecipientWithItsOwnLinks()
    {
        var result = await Sender().SendBatchAsync(TestEmails.AlertBatch(3), CancellationToken.None);

        Assert.Equal(EmailSendResult.Accepted, result);
        var files = AllFiles().Order(StringComparer.Ordinal).ToList();
        Assert.Equal(3, files.Count);
        for (var i = 0; i < 3; i++)
        {
            var file = Assert.Single(files, f => f.EndsWith($"-alert-alert-{i}.eml", StringComparison.Ordinal));
            var mime = await MimeMessage.LoadAsync(file);
            Assert.Equal($"user{i}@example.com", mime.To.Mailboxes.Single().Address);
            Assert.Contains($"/sub-{i}/manage?token=t{i}&x=1", mime.TextBody, StringComparison.Ordinal);
            Assert.Contains($"/sub-{i}/manage?token=t{i}&amp;x=1", mime.HtmlBody, StringComparison.Ordinal);
            Assert.Equal($"<https://alerts.example.com/api/subscriptions/sub-{i}/unsubscribe?token=u{i}>", mime.Headers["List-Unsubscribe"]);
            Assert.Equal("List-Unsubscribe=One-Click", mime.Headers["List-Unsubscribe-Post"]);
        }
    }

    [Fact]
    public async Task SendBatchAsync_TheSameAlertsAgain_EvenAfterARestart_WritesNoSecondFile()
    {
        Assert.Equal(EmailSendResult.Accepted, await Sender().SendBatchAsync(TestEmails.AlertBatch(3), CancellationToken.None));
        _time.Advance(TimeSpan.FromMinutes(3)); // the claims expired after a crash: the dispatcher sends them again

        Assert.Equal(EmailSendResult.Accepted, await Sender().SendBatchAsync(TestEmails.AlertBatch(4), CancellationToken.None));

        Assert.Equal(4, AllFiles().Length); // a new sender (a restarted runner) finds the three written before
    }

    [Fact]
    public async Task SendAsync_AConfirmationAgain_IsWrittenAgain()
    {
        var sender = Sender();
        var confirmation = TestEmails.Alert(reference: "sub-1") with { Category = "confirmation" };

        await sender.SendAsync(confirmation, CancellationToken.None);
        _time.Advance(TimeSpan.FromMinutes(1));
        await sender.SendAsync(confirmation, CancellationToken.None);

        Assert.Equal(2, AllFiles().Length);
    }

    [Fact]
    public async Task SendBatchAsync_AWriteFails_LeavesNoFileOfTheBatch()
    {
        var batch = TestEmails.AlertBatch(3);
        Directory.CreateDirectory(_directory);

        // The third recipient's file name is taken by a directory: its write fails after two files were written.
        var blocked = Path.Combine(_directory, $"{TestData.Now:yyyyMMdd'T'HHmmssfff}-alert-alert-2.eml");
        Directory.CreateDirectory(blocked);

        var result = await Sender().SendBatchAsync(batch, CancellationToken.None);

        Assert.Equal(EmailSendStatus.Transient, result.Status);
        Assert.DoesNotContain(AllFiles(), f => f.EndsWith(".eml", StringComparison.Ordinal) && !f.StartsWith(blocked, StringComparison.Ordinal));
    }

    [Fact]
    public async Task SendAsync_OneEmail_WritesExactlyOneCompleteEmlFile()
    {
        var email = TestEmails.Alert();

        var result = await Sender().SendAsync(email, CancellationToken.None);

        Assert.Equal(EmailSendResult.Accepted, result);
        var path = Assert.Single(AllFiles());
        Assert.EndsWith(".eml", path, StringComparison.Ordinal);
        Assert.Contains(email.Reference, Path.GetFileName(path), StringComparison.Ordinal);
        Assert.Contains("alert", Path.GetFileName(path), StringComparison.Ordinal);

        using var mime = MimeMessage.Load(path);
        Assert.Equal(email.Subject, mime.Subject);
        var from = Assert.Single(mime.From.Mailboxes);
        Assert.Equal("alerts@example.com", from.Address);
        Assert.Equal("Alerts", from.Name);
        Assert.Equal("ana@example.com", Assert.Single(mime.To.Mailboxes).Address);
        Assert.Equal(TestData.Now, mime.Date);
        Assert.Equal($"<{TestEmails.UnsubscribeUrl}>", mime.Headers["List-Unsubscribe"]);
        Assert.Equal("List-Unsubscribe=One-Click", mime.Headers["List-Unsubscribe-Post"]);

        var alternative = Assert.IsType<MultipartAlternative>(mime.Body);
        var parts = alternative.OfType<TextPart>().ToList();
        Assert.Equal(2, parts.Count);
        Assert.True(parts[0].IsPlain);
        Assert.True(parts[1].IsHtml);
        Assert.Equal(Normalize(email.TextBody), Normalize(parts[0].Text));
        Assert.Equal(Normalize(email.HtmlBody), Normalize(parts[1].Text));
        Assert.Equal(Normalize(email.TextBody), Normalize(mime.TextBody));
        Assert.Equal(Normalize(email.HtmlBody), Normalize(mime.HtmlBody));
    }

    [Fact]
    public async Task SendAsync_OneEmail_LeavesNoTemporaryFile()
    {
        await Sender().SendAsync(TestEmails.Alert(), CancellationToken.None);

        Assert.DoesNotContain(AllFiles(), f => f.EndsWith(".tmp", StringComparison.OrdinalIgnoreCase));
        Assert.All(AllFiles(), f => Assert.False(Path.GetFileName(f).StartsWith('.'), $"hidden file left behind: {f}"));
    }

    [Fact]
    public async Task SendAsync_OneEmail_EndsEveryLineWithCrLfAsRfc5322Says()
    {
        await Sender().SendAsync(TestEmails.Alert(), CancellationToken.None);

        var raw = await File.ReadAllTextAsync(Assert.Single(AllFiles()));
        Assert.Contains("\r\n", raw, StringComparison.Ordinal);
        Assert.DoesNotMatch("[^\r]\n", raw);
    }

    [Fact]
    public async Task SendAsync_UnicodeSubjectAndBody_SurviveTheRoundTrip()
    {
        var email = TestEmails.Alert(subject: "Deutsche Bank hebt Kursziel für SAP auf 250 € — Kaufen ✓") with
        {
            FromName = "Alertes Société",
            TextBody = "Kursziel 250 € ✓\nÄnderung +12,5 %",
            HtmlBody = "<p>Kursziel 250 € ✓</p>",
        };

        await Sender().SendAsync(email, CancellationToken.None);

        using var mime = MimeMessage.Load(Assert.Single(AllFiles()));
        Assert.Equal(email.Subject, mime.Subject);
        Assert.Equal("Alertes Société", Assert.Single(mime.From.Mailboxes).Name);
        Assert.Equal(Normalize(email.TextBody), Normalize(mime.TextBody));
        Assert.Equal(email.HtmlBody, Normalize(mime.HtmlBody)?.TrimEnd('\n'));
    }

    [Fact]
    public async Task SendAsync_TwoEmails_WritesTwoFiles()
    {
        var sender = Sender();

        await sender.SendAsync(TestEmails.Alert(reference: "first"), CancellationToken.None);
        _time.Advance(TimeSpan.FromMilliseconds(1));
        await sender.SendAsync(TestEmails.Alert(reference: "second"), CancellationToken.None);

        var files = AllFiles().Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(2, files.Count);
        Assert.Contains(files, f => f!.Contains("first", StringComparison.Ordinal));
        Assert.Contains(files, f => f!.Contains("second", StringComparison.Ordinal));
    }

    [Fact]
    public async Task SendAsync_DirectoryMissing_CreatesIt()
    {
        var nested = Path.Combine(_directory, "a", "b");

        var result = await Sender(nested).SendAsync(TestEmails.Alert(), CancellationToken.None);

        Assert.Equal(EmailSendStatus.Accepted, result.Status);
        Assert.Single(Directory.GetFiles(nested, "*.eml"));
    }

    [Fact]
    public async Task SendAsync_DirectoryRemovedWhileRunning_CreatesItAgain()
    {
        var sender = Sender();
        await sender.SendAsync(TestEmails.Alert(reference: "first"), CancellationToken.None);
        Directory.Delete(_directory, recursive: true);

        var result = await sender.SendAsync(TestEmails.Alert(reference: "second"), CancellationToken.None);

        Assert.Equal(EmailSendStatus.Accepted, result.Status);
        var file = Assert.Single(AllFiles());
        Assert.Contains("second", file, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SendAsync_PickupPathIsAFile_ReturnsTransient()
    {
        Directory.CreateDirectory(_directory);
        var file = Path.Combine(_directory, "not-a-directory");
        await File.WriteAllTextAsync(file, "x");

        var result = await Sender(file).SendAsync(TestEmails.Alert(), CancellationToken.None);

        Assert.Equal(EmailSendStatus.Transient, result.Status);
        Assert.Contains("pickup directory", result.Reason, StringComparison.Ordinal);
    }
}
