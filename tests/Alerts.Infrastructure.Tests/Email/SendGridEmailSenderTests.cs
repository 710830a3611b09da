using System.Text.Json;
using Alerts.Core.Delivery;
using Alerts.Infrastructure.Email;
using Alerts.Infrastructure.Tests.TestSupport;
using Alerts.Testing;
using SendGrid;

namespace Alerts.Infrastructure.Tests.Email;

/// <summary>The SendGrid adapter against a real local HTTP server standing in for api.sendgrid.com.</summary>
public sealed class SendGridEmailSenderTests : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private readonly HttpClient _http = new();
    private CaptureServer _capture = null!;

    public async Task InitializeAsync() => _capture = await CaptureServer.StartAsync();

    public async Task DisposeAsync()
    {
        await _capture.DisposeAsync();
        _http.Dispose();
    }

    private SendGridEmailSender Sender(string? host = null) =>
        new(new SendGridClient(_http, new SendGridClientOptions { ApiKey = "SG.test", Host = host ?? _capture.BaseUrl }));

    private void Respond(int status, string? body = null, IDictionary<string, string>? headers = null) =>
        _capture.SetResponder(_ => (status, body, headers));

    /// <summary>The headers of the mail, wherever SendGrid's helper put them (the message or its first personalization).</summary>
    private static Dictionary<string, List<string>> MailHeaders(JsonElement root)
    {
        var headers = new Dictionary<string, List<string>>(StringComparer.OrdinalIgnoreCase);
        void Collect(JsonElement element)
        {
            if (element.TryGetProperty("headers", out var h))
            {
                foreach (var property in h.EnumerateObject())
                {
                    if (!headers.TryGetValue(property.Name, out var values))
                    {
                        headers[property.Name] = values = [];
                    }

                    values.Add(property.Value.GetString()!);
                }
            }
        }

        Collect(root);
        Collect(root.GetProperty("personalizations")[0]);
        return headers;
    }

    [Fact]
    public async Task SendAsync_OneEmail_PostsOneCompleteMailSendRequest()
    {
        var email = TestEmails.Alert();

        var result = await Sender().SendAsync(email, CancellationToken.None);

        Assert.Equal(EmailSendResult.Accepted, result);
        var request = Assert.Single(await _capture.WaitForRequestsAsync(1, Timeout));
        Assert.Equal("POST", request.Method);
        Assert.Equal("/v3/mail/send", request.Path);
        Assert.Equal("Bearer SG.test", request.Header("Authorization"));
        Assert.StartsWith("application/json", request.Header("Content-Type"), StringComparison.OrdinalIgnoreCase);

        using var json = JsonDocument.Parse(request.Body);
        var root = json.RootElement;
        Assert.Equal("alerts@example.com", root.GetProperty("from").GetProperty("email").GetString());
        Assert.Equal("Alerts", root.GetProperty("from").GetProperty("name").GetString());
        var personalizations = root.GetProperty("personalizations");
        Assert.Equal(1, personalizations.GetArrayLength());
        var to = personalizations[0].GetProperty("to");
        Assert.Equal(1, to.GetArrayLength());
        Assert.Equal("ana@example.com", to[0].GetProperty("email").GetString());
        Assert.Equal(email.Subject, root.TryGetProperty("subject", out var subject) ? subject.GetString() : personalizations[0].GetProperty("subject").GetString());

        var content = root.GetProperty("content");
        Assert.Equal(2, content.GetArrayLength());
        Assert.Equal("text/plain", content[0].GetProperty("type").GetString());
        Assert.Equal(email.TextBody, content[0].GetProperty("value").GetString());
        Assert.Equal("text/html", content[1].GetProperty("type").GetString());
        Assert.Equal(email.HtmlBody, content[1].GetProperty("value").GetString());

        var headers = MailHeaders(root);
        Assert.Equal([$"<{TestEmails.UnsubscribeUrl}>"], headers["List-Unsubscribe"]);
        Assert.Equal(["List-Unsubscribe=One-Click"], headers["List-Unsubscribe-Post"]);

        Assert.Contains("alert", root.GetProperty("categories").EnumerateArray().Select(c => c.GetString()));
        // custom_args may sit on the message or on its personalization (SendGrid merges both); the helper uses the latter.
        var customArgs = personalizations[0].TryGetProperty("custom_args", out var own) ? own : root.GetProperty("custom_args");
        Assert.Equal(email.Reference, customArgs.GetProperty("reference").GetString());
    }

    [Fact]
    public async Task SendBatchAsync_AThousandRecipients_IsOneRequestWithAPersonalizationEach()
    {
        var batch = TestEmails.AlertBatch(EmailBatch.MaxRecipients);

        var result = await Sender().SendBatchAsync(batch, CancellationToken.None);

        Assert.Equal(EmailSendResult.Accepted, result);
        var request = Assert.Single(await _capture.WaitForRequestsAsync(1, Timeout));
        using var json = JsonDocument.Parse(request.Body);
        var root = json.RootElement;
        Assert.Equal(batch.HtmlBody, root.GetProperty("content").EnumerateArray().Single(c => c.GetProperty("type").GetString() == "text/html").GetProperty("value").GetString());
        Assert.Equal("List-Unsubscribe=One-Click", root.GetProperty("headers").GetProperty("List-Unsubscribe-Post").GetString());
        var personalizations = root.GetProperty("personalizations").EnumerateArray().ToList();
        Assert.Equal(EmailBatch.MaxRecipients, personalizations.Count);
        for (var i = 0; i < personalizations.Count; i += 333)
        {
            var p = personalizations[i];
            Assert.Equal($"user{i}@example.com", Assert.Single(p.GetProperty("to").EnumerateArray()).GetProperty("email").GetString());
            Assert.Equal($"https://alerts.example.com/api/subscriptions/sub-{i}/manage?token=t{i}&amp;x=1", p.GetProperty("substitutions").GetProperty("%%n:manage-html%%").GetString());
            Assert.Equal($"<https://alerts.example.com/api/subscriptions/sub-{i}/unsubscribe?token=u{i}>", p.GetProperty("headers").GetProperty("List-Unsubscribe").GetString());
            Assert.Equal($"alert-{i}", p.GetProperty("custom_args").GetProperty("reference").GetString());
        }
    }

    [Fact]
    public async Task SendBatchAsync_MoreThanAThousand_IsRefusedBeforeAnyRequest()
    {
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Sender().SendBatchAsync(TestEmails.AlertBatch(EmailBatch.MaxRecipients + 1), CancellationToken.None));
        Assert.Empty(_capture.Requests);
    }

    [Fact]
    public async Task SendBatchAsync_BadRequest_IsPermanentForTheWholeBatch()
    {
        Respond(400, """{"errors":[{"message":"Does not contain a valid address.","field":"personalizations.1.to.0.email"}]}""");

        var result = await Sender().SendBatchAsync(TestEmails.AlertBatch(3), CancellationToken.None);

        Assert.Equal(EmailSendStatus.Permanent, result.Status);
        Assert.Contains("valid address", result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SendAsync_NoExtraHeaders_SendsNoHeaders()
    {
        var email = TestEmails.Alert() with { Headers = new Dictionary<string, string>(), Category = "confirmation" };

        var result = await Sender().SendAsync(email, CancellationToken.None);

        Assert.Equal(EmailSendStatus.Accepted, result.Status);
        using var json = JsonDocument.Parse(Assert.Single(_capture.Requests).Body);
        Assert.Empty(MailHeaders(json.RootElement));
        Assert.Equal(["confirmation"], json.RootElement.GetProperty("categories").EnumerateArray().Select(c => c.GetString()));
    }

    [Fact]
    public async Task SendAsync_UnicodeSubjectAndBodies_ArriveIntact()
    {
        var email = TestEmails.Alert(subject: "Société Générale relève la cible de SAP à 250 € — ✓") with { TextBody = "Kursziel 250 € ✓", HtmlBody = "<p>Kursziel 250 € ✓</p>" };

        await Sender().SendAsync(email, CancellationToken.None);

        using var json = JsonDocument.Parse(Assert.Single(_capture.Requests).Body);
        var root = json.RootElement;
        Assert.Equal(email.Subject, root.TryGetProperty("subject", out var subject) ? subject.GetString() : root.GetProperty("personalizations")[0].GetProperty("subject").GetString());
        Assert.Equal("Kursziel 250 € ✓", root.GetProperty("content")[0].GetProperty("value").GetString());
    }

    [Theory]
    [InlineData(200)]
    [InlineData(202)]
    public async Task SendAsync_Success_ReturnsAccepted(int status)
    {
        Respond(status);

        var result = await Sender().SendAsync(TestEmails.Alert(), CancellationToken.None);

        Assert.Equal(EmailSendStatus.Accepted, result.Status);
    }

    [Fact]
    public async Task SendAsync_TooManyRequestsWithRetryAfter_ReturnsTransientWithThatDelay()
    {
        Respond(429, "{\"errors\":[{\"message\":\"too many requests\"}]}", new Dictionary<string, string> { ["Retry-After"] = "7" });

        var result = await Sender().SendAsync(TestEmails.Alert(), CancellationToken.None);

        Assert.Equal(EmailSendStatus.Transient, result.Status);
        Assert.Equal(TimeSpan.FromSeconds(7), result.RetryAfter);
        Assert.Contains("429", result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SendAsync_ServiceUnavailableWithRetryAfter_ReturnsTransientWithThatDelay()
    {
        Respond(503, null, new Dictionary<string, string> { ["Retry-After"] = "30" });

        var result = await Sender().SendAsync(TestEmails.Alert(), CancellationToken.None);

        Assert.Equal(EmailSendStatus.Transient, result.Status);
        Assert.Equal(TimeSpan.FromSeconds(30), result.RetryAfter);
    }

    [Fact]
    public async Task SendAsync_RetryAfterAsFutureDate_ReturnsTransientWithAboutThatDelay()
    {
        var at = DateTimeOffset.UtcNow.AddMinutes(10);
        Respond(429, null, new Dictionary<string, string> { ["Retry-After"] = at.ToString("r", System.Globalization.CultureInfo.InvariantCulture) });

        var result = await Sender().SendAsync(TestEmails.Alert(), CancellationToken.None);

        Assert.Equal(EmailSendStatus.Transient, result.Status);
        Assert.NotNull(result.RetryAfter);
        Assert.InRange(result.RetryAfter.Value, TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(10));
    }

    [Fact]
    public async Task SendAsync_RetryAfterAsPastDate_ReturnsTransientWithoutNegativeDelay()
    {
        Respond(429, null, new Dictionary<string, string> { ["Retry-After"] = DateTimeOffset.UtcNow.AddHours(-1).ToString("r", System.Globalization.CultureInfo.InvariantCulture) });

        var result = await Sender().SendAsync(TestEmails.Alert(), CancellationToken.None);

        Assert.Equal(EmailSendStatus.Transient, result.Status);
        Assert.True(result.RetryAfter is null || result.RetryAfter >= TimeSpan.Zero, $"RetryAfter was {result.RetryAfter}");
    }

    [Fact]
    public async Task SendAsync_TooManyRequestsWithoutRetryAfter_ReturnsTransientWithoutDelay()
    {
        Respond(429);

        var result = await Sender().SendAsync(TestEmails.Alert(), CancellationToken.None);

        Assert.Equal(EmailSendStatus.Transient, result.Status);
        Assert.Null(result.RetryAfter);
    }

    [Theory]
    [InlineData(500)]
    [InlineData(502)]
    [InlineData(503)]
    public async Task SendAsync_ServerError_ReturnsTransient(int status)
    {
        Respond(status, "upstream trouble");

        var result = await Sender().SendAsync(TestEmails.Alert(), CancellationToken.None);

        Assert.Equal(EmailSendStatus.Transient, result.Status);
        Assert.Contains(status.ToString(System.Globalization.CultureInfo.InvariantCulture), result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SendAsync_BadRequestWithErrorBody_ReturnsPermanentWithSendGridsMessage()
    {
        const string message = "The from address does not match a verified Sender Identity.";
        Respond(400, $$"""{"errors":[{"message":"{{message}}","field":"from","help":null}]}""", new Dictionary<string, string> { ["Content-Type"] = "application/json" });

        var result = await Sender().SendAsync(TestEmails.Alert(), CancellationToken.None);

        Assert.Equal(EmailSendStatus.Permanent, result.Status);
        Assert.Contains(message, result.Reason, StringComparison.Ordinal);
        Assert.Contains("400", result.Reason, StringComparison.Ordinal);
        Assert.Null(result.RetryAfter);
    }

    [Theory]
    [InlineData(401)]
    [InlineData(403)]
    [InlineData(413)]
    public async Task SendAsync_OtherClientError_ReturnsPermanent(int status)
    {
        Respond(status, "{\"errors\":[{\"message\":\"nope\"}]}");

        var result = await Sender().SendAsync(TestEmails.Alert(), CancellationToken.None);

        Assert.Equal(EmailSendStatus.Permanent, result.Status);
        Assert.Contains("nope", result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SendAsync_HugeErrorBody_KeepsTheReasonShort()
    {
        Respond(400, new string('e', 10_000));

        var result = await Sender().SendAsync(TestEmails.Alert(), CancellationToken.None);

        Assert.Equal(EmailSendStatus.Permanent, result.Status);
        Assert.True(result.Reason!.Length < 600, $"reason is {result.Reason.Length} characters");
    }

    [Fact]
    public async Task SendAsync_ServerNotListening_ReturnsTransient()
    {
        var baseUrl = _capture.BaseUrl;
        await _capture.DisposeAsync();

        var result = await Sender(baseUrl).SendAsync(TestEmails.Alert(), CancellationToken.None);

        Assert.Equal(EmailSendStatus.Transient, result.Status);
        Assert.False(string.IsNullOrEmpty(result.Reason));
    }

    [Fact]
    public async Task SendAsync_CancelledByCaller_Throws()
    {
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Sender().SendAsync(TestEmails.Alert(), cancelled.Token));
    }
}
