namespace Alerts.Infrastructure.Email;

/// <summary>SendGrid settings (section <c>SendGrid</c>). Without an API key, emails go to the pickup directory instead.</summary>
public sealed class SendGridOptions
{
    public const string SectionName = "SendGrid";

    /// <summary>The API key (a secret: Key Vault in Azure, an environment variable locally).</summary>
    public string? ApiKey { get; set; }

    /// <summary>
    /// The Event Webhook's verification key (base64, from SendGrid's Mail Settings, "Signed Event Webhook").
    /// Without it, <c>POST /api/sendgrid/events</c> accepts nothing.
    /// </summary>
    public string? EventWebhookPublicKey { get; set; }

    /// <summary>The API host. The default is SendGrid's global host; set https://api.eu.sendgrid.com for EU data residency.</summary>
    public string? Host { get; set; }
}
