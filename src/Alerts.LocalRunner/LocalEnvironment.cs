using System.Security.Cryptography;
using Alerts.Core.Security;
using Alerts.Infrastructure.Email;
using Microsoft.Extensions.Options;

namespace Alerts.LocalRunner;

/// <summary>
/// What the local runner sets up that Azure provides in production: an address (http://127.0.0.1:7071), a data
/// folder under the working directory (<c>.alerts/</c>), a development webhook secret, a link-signing key kept in
/// that folder and the pickup directory for emails. Every one of them can be overridden by the usual settings.
/// </summary>
internal sealed class LocalEnvironment
{
    public const string DefaultUrl = "http://127.0.0.1:7071";

    /// <summary>Used only when <c>Webhook__Secrets</c> is not set, and printed at start so a script can sign with it.</summary>
    public const string DevelopmentWebhookSecret = SecretRules.DevelopmentWebhookSecret;

    private LocalEnvironment(string dataDirectory, string url, bool usesDevelopmentSecret)
    {
        DataDirectory = dataDirectory;
        Url = url;
        UsesDevelopmentSecret = usesDevelopmentSecret;
    }

    /// <summary>Where Azurite's data and the signing key live: <c>.alerts/</c> under the working directory.</summary>
    public string DataDirectory { get; }

    public string Url { get; }

    public bool UsesDevelopmentSecret { get; }

    public static LocalEnvironment Prepare(WebApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        var dataDirectory = Path.GetFullPath(configuration["LocalRunner:DataDirectory"] ?? Path.Combine(Directory.GetCurrentDirectory(), ".alerts"));
        Directory.CreateDirectory(dataDirectory);

        var url = configuration["urls"];
        if (string.IsNullOrWhiteSpace(url))
        {
            url = DefaultUrl;
            builder.WebHost.UseUrls(url);
        }

        url = url.Split(';')[0].TrimEnd('/');
        var defaults = new Dictionary<string, string?>();
        if (string.IsNullOrWhiteSpace(configuration["Alerts:PublicBaseUrl"]))
        {
            defaults["Alerts:PublicBaseUrl"] = url;
        }

        var usesDevelopmentSecret = string.IsNullOrWhiteSpace(configuration["Webhook:Secrets"]);
        if (usesDevelopmentSecret)
        {
            defaults["Webhook:Secrets"] = DevelopmentWebhookSecret;
        }

        if (string.IsNullOrWhiteSpace(configuration["Alerts:SigningKeys"]))
        {
            defaults["Alerts:SigningKeys"] = SigningKey(dataDirectory);
        }

        // Metrics on the console once a minute (only what happened in it); spans only on request (Telemetry__ConsoleSpans).
        // Channels to receivers on this machine (a webhook under development): the contract's local default.
        if (string.IsNullOrWhiteSpace(configuration["Channels:AllowLoopback"]))
        {
            defaults["Channels:AllowLoopback"] = "true";
        }

        if (string.IsNullOrWhiteSpace(configuration["Telemetry:Console"]))
        {
            defaults["Telemetry:Console"] = "true";
        }

        if (defaults.Count > 0)
        {
            configuration.AddInMemoryCollection(defaults);
        }

        // Always local mode (Alerts.Api.HostingMode): Azurite and the pickup directory when nothing else is set, and the
        // development webhook secret accepted. Added last, so that no other setting turns it off.
        configuration.AddInMemoryCollection([new(Alerts.Api.HostingMode.LocalKey, "true")]);

        builder.Logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "HH:mm:ss ";
        });
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Warning);
        return new LocalEnvironment(dataDirectory, url, usesDevelopmentSecret);
    }

    public void PrintBanner(IServiceProvider services, TextWriter output)
    {
        var configuration = services.GetRequiredService<IConfiguration>();
        var email = services.GetRequiredService<IOptions<Alerts.Core.EmailOptions>>().Value;
        var sendGrid = services.GetRequiredService<IOptions<SendGridOptions>>().Value;
        var serviceBus = services.GetRequiredService<IOptions<Alerts.Infrastructure.Queues.ServiceBusOptions>>().Value;
        output.WriteLine();
        output.WriteLine($"Alerts local runner on {Url}  (routes under {Url}/api)");
        output.WriteLine($"  data:     {DataDirectory}");
        output.WriteLine($"  storage:  {Describe(configuration["Storage:ConnectionString"])}");
        output.WriteLine($"  queue:    {(serviceBus.IsConfigured ? $"Service Bus queue '{serviceBus.QueueName}'" : "Azure Storage queue 'alerts'")}");
        output.WriteLine($"  mail:     {(string.IsNullOrWhiteSpace(sendGrid.ApiKey) ? $".eml files in {Path.GetFullPath(email.PickupDirectory)}" : "SendGrid")}");
        output.WriteLine(UsesDevelopmentSecret
            ? $"  webhook:  signed with the development secret '{DevelopmentWebhookSecret}' (set Webhook__Secrets to use your own); header {WebhookSignature.HeaderName}"
            : $"  webhook:  signed with Webhook__Secrets; header {WebhookSignature.HeaderName}");
        output.WriteLine($"  telemetry: {DescribeTelemetry(services)}");
        output.WriteLine("Press Ctrl+C to stop.");
        output.WriteLine();
    }

    private static string DescribeTelemetry(IServiceProvider services)
    {
        var telemetry = services.GetRequiredService<IOptions<Alerts.Api.Telemetry.TelemetryOptions>>().Value;
        var console = !telemetry.Console
            ? "console off"
            : $"metrics on the console every {telemetry.ConsoleMetricsSeconds} s" + (telemetry.ConsoleSpans ? ", and spans" : " (Telemetry__ConsoleSpans=true: spans too)");
        var azureMonitor = string.IsNullOrWhiteSpace(services.GetRequiredService<IConfiguration>()["APPLICATIONINSIGHTS_CONNECTION_STRING"]) ? string.Empty : "; Azure Monitor";
        return console + azureMonitor;
    }

    private static string Describe(string? connectionString) =>
        string.IsNullOrWhiteSpace(connectionString) || connectionString.Contains("UseDevelopmentStorage=true", StringComparison.OrdinalIgnoreCase)
            ? "Azurite (127.0.0.1:10000-10002)"
            : "the account of Storage__ConnectionString";

    /// <summary>
    /// A random key made on first start and kept, so links in emails keep working across restarts. The file is readable by
    /// its owner only (0600), made so from the start; a file left readable by others by an older version is made 0600 too.
    /// </summary>
    internal static string SigningKey(string dataDirectory)
    {
        var path = Path.Combine(dataDirectory, "signing-key");
        if (File.Exists(path))
        {
            OwnerOnly(path);
            var existing = File.ReadAllText(path).Trim();
            if (SecretRules.Problem(existing) is null)
            {
                return existing;
            }
        }

        var key = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var file = new StreamWriter(path, System.Text.Encoding.ASCII, options))
        {
            file.Write(key);
        }

        OwnerOnly(path); // UnixCreateMode applies to a new file only: one that existed keeps its mode otherwise
        return key;
    }

    private static void OwnerOnly(string path)
    {
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
    }
}
