using System.Text;
using System.Text.Json;
using Alerts.Api;
using Alerts.Core.Security;
using Alerts.Functions.Functions;
using Alerts.Infrastructure.Queues;
using Alerts.Testing;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;

namespace Alerts.Functions.Tests;

/// <summary>
/// The Functions app's services (the real <see cref="AlertsServiceCollectionExtensions.AddAlerts"/>) over a real Azurite,
/// with emails written to a temporary pickup directory, and a way to call a function as the host does.
/// </summary>
public sealed class AlertsApp : IAsyncLifetime
{
    public const string Secret = "test-webhook-secret-0123456789abcdef";
    public const string RotatedSecret = "previous-webhook-secret-0123456789abcdef";
    public const string AdminKey = "test-admin-key-0123456789abcdefghij";

    private readonly AzuriteFixture _azurite = new();
    private IReadOnlyDictionary<string, string?> _settings = new Dictionary<string, string?>();

    /// <summary>An app with settings on top of the tests' own (e.g. <c>Delivery:LockSeconds</c>); a fixture has one constructor, so this is not one.</summary>
    public static AlertsApp With(IReadOnlyDictionary<string, string?> settings) => new() { _settings = settings };

    /// <summary>An app whose clock is <paramref name="time"/> (e.g. a <c>FakeTimeProvider</c>), with optional settings on top of the tests' own.</summary>
    public static AlertsApp With(TimeProvider time, IReadOnlyDictionary<string, string?>? settings = null) =>
        new() { _time = time, _settings = settings ?? new Dictionary<string, string?>() };

    private TimeProvider? _time;

    /// <summary>Stands in for SendGrid's Event Webhook signing key (the app gets its public half, as in SendGrid's settings).</summary>
    public System.Security.Cryptography.ECDsa SendGridEventKey { get; } = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
    private ServiceProvider? _services;

    public string PickupDirectory { get; } = Path.Combine(Path.GetTempPath(), "alerts-functions-tests-" + Guid.NewGuid().ToString("N"));

    public IServiceProvider Services => _services ?? throw new InvalidOperationException("Not initialized.");

    public AzuriteServer Azurite => _azurite.Server;

    public RatingsFunctions Ratings => Services.GetRequiredService<RatingsFunctions>();

    public SubscriptionsFunctions Subscriptions => Services.GetRequiredService<SubscriptionsFunctions>();

    /// <summary>
    /// The steps after a post, as the Functions host runs them: the <c>FanOut</c> queue trigger for every message on the
    /// <c>changes</c> queue, the <c>DispatchAlerts</c> trigger for every wake-up on <c>dispatch</c>, then the dispatcher's
    /// timer (<see cref="DispatchFunction"/> alone for the dispatcher only).
    /// </summary>
    public StepsAfterAPost Dispatch => new(this);

    public DispatchAlertsFunction DispatchFunction => Services.GetRequiredService<DispatchAlertsFunction>();

    public FanOutFunction FanOut => Services.GetRequiredService<FanOutFunction>();

    public SendGridEventsFunction SendGridEvents => Services.GetRequiredService<SendGridEventsFunction>();

    /// <summary>The token Benzinga's data webhook deliveries carry here (<c>Feeds__BenzingaPush__Tokens</c>).</summary>
    public const string BenzingaToken = "benzinga-push-token-0123456789abcdef";

    public BenzingaPushFunction BenzingaPush => Services.GetRequiredService<BenzingaPushFunction>();

    public AdminFunctions Admin => Services.GetRequiredService<AdminFunctions>();

    public AssetsFunction Assets => Services.GetRequiredService<AssetsFunction>();

    public async Task InitializeAsync()
    {
        await _azurite.InitializeAsync();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage:ConnectionString"] = _azurite.ConnectionString,
            ["Webhook:Secrets"] = $"{Secret};{RotatedSecret}",
            ["Alerts:SigningKeys"] = "test-signing-key-0123456789abcdefghij",
            // Azurite and the pickup directory, as on a developer's machine (outside local mode the app refuses both).
            ["Hosting:Local"] = "true",
            ["Alerts:PublicBaseUrl"] = "https://alerts.example.test",
            ["Email:PickupDirectory"] = PickupDirectory,
            ["Email:From"] = "alerts@example.test",
            ["Admin:Keys"] = AdminKey,
            // A feed the health route reports on (never polled here: no timer runs in these tests).
            ["Feeds:Sources:0:Name"] = "health-feed",
            ["Feeds:Sources:0:Kind"] = "Finnhub",
            ["Feeds:Sources:0:ApiKey"] = "not-a-real-key",
            ["Feeds:Sources:0:BaseUrl"] = "http://127.0.0.1:9",
            ["Alerts:MaxSubscriptionsPerClientPerHour"] = "5",
            ["Http:TrustedProxies"] = "127.0.0.1",
            ["SendGrid:EventWebhookPublicKey"] = Convert.ToBase64String(SendGridEventKey.ExportSubjectPublicKeyInfo()),
            ["Feeds:BenzingaPush:Tokens"] = BenzingaToken,
            // Channel receivers are local stand-in servers on loopback; retries come back at once (no backoff wait in tests).
            ["Channels:AllowLoopback"] = "true",
            ["Channels:RetryBaseSeconds"] = "0",
            ["Channels:PauseAfterDeadLetters"] = "1",
        }).AddInMemoryCollection(_settings).Build();

        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddLogging();
        if (_time is not null)
        {
            services.AddSingleton(_time);
        }

        services.AddAlerts(configuration);
        services.AddDispatchWakeUpQueue(); // as the Functions app's Program does
        services.AddDigestWakeUpQueue();
        services.AddSingleton<RatingsFunctions>();
        services.AddSingleton<SubscriptionsFunctions>();
        services.AddSingleton<DispatchAlertsFunction>();
        services.AddSingleton<FanOutFunction>();
        services.AddSingleton<DeliverToChannelFunction>();
        services.AddSingleton<SweepPendingChangesFunction>();
        services.AddSingleton<SendGridEventsFunction>();
        services.AddSingleton<BenzingaPushFunction>();
        services.AddSingleton<AdminFunctions>();
        services.AddSingleton<AssetsFunction>();
        services.AddSingleton<PurgeUnconfirmedFunction>();
        _services = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }

    public async Task DisposeAsync()
    {
        if (_services is not null)
        {
            await _services.DisposeAsync();
        }

        await _azurite.DisposeAsync();
        SendGridEventKey.Dispose();
        if (Directory.Exists(PickupDirectory))
        {
            Directory.Delete(PickupDirectory, recursive: true);
        }
    }

    /// <summary>Calls a function with a request built as the host builds it, and runs its result against the response.</summary>
    public Task<Response> CallAsync(
        Func<HttpRequest, Task<IResult>> function,
        string method,
        string path,
        string? body = null,
        string? contentType = null,
        IDictionary<string, string>? headers = null,
        System.Net.IPAddress? remoteAddress = null) =>
        CallBytesAsync(function, method, path, body is null ? null : Encoding.UTF8.GetBytes(body), contentType, headers, remoteAddress);

    /// <summary>As <see cref="CallAsync(Func{HttpRequest, Task{IResult}}, string, string, string?, string?, IDictionary{string, string}?)"/>, with the body's bytes as given (e.g. not UTF-8).</summary>
    public async Task<Response> CallBytesAsync(
        Func<HttpRequest, Task<IResult>> function,
        string method,
        string path,
        byte[]? bytes,
        string? contentType = null,
        IDictionary<string, string>? headers = null,
        System.Net.IPAddress? remoteAddress = null)
    {
        var context = new DefaultHttpContext { RequestServices = Services };
        context.Connection.RemoteIpAddress = remoteAddress ?? System.Net.IPAddress.Loopback;
        var request = context.Request;
        request.Method = method;
        var question = path.IndexOf('?');
        request.Path = new PathString(question < 0 ? path : path[..question]);
        request.QueryString = question < 0 ? QueryString.Empty : new QueryString(path[question..]);
        request.Scheme = "https";
        request.Host = new HostString("alerts.example.test");
        if (bytes is not null)
        {
            request.Body = new MemoryStream(bytes);
            request.ContentLength = bytes.Length;
        }

        if (contentType is not null)
        {
            request.ContentType = contentType;
        }

        // The calls arrive through a proxy (the Functions host forwards from loopback: see Http:TrustedProxies below), and each
        // comes from its own client address unless the test says otherwise (the per-client limit is 5 an hour here).
        request.Headers["X-Forwarded-For"] = $"203.0.113.{Random.Shared.Next(1, 255)}, 10.0.{Random.Shared.Next(0, 255)}.{Random.Shared.Next(0, 255)}";
        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            request.Headers[name] = value;
        }

        var responseBody = new MemoryStream();
        context.Response.Body = responseBody;
        var result = await function(request);
        await result.ExecuteAsync(context);
        return new Response(context.Response.StatusCode, context.Response.ContentType, context.Response.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase), Encoding.UTF8.GetString(responseBody.ToArray()));
    }

    /// <summary>
    /// Hands every message on the <c>changes</c> queue to the <c>FanOut</c> function, as its queue trigger does (a message
    /// is deleted once the function returns), until the queue is empty; returns how many messages there were.
    /// </summary>
    public Task<int> FanOutAsync(CancellationToken cancellationToken = default) =>
        FanOutAsync(Azurite.ConnectionString, FanOut, cancellationToken);

    /// <summary>The same on the storage of <paramref name="connectionString"/>, with <paramref name="fanOut"/>.</summary>
    public static Task<int> FanOutAsync(string connectionString, FanOutFunction fanOut, CancellationToken cancellationToken = default) =>
        TriggerAsync(connectionString, Alerts.Core.Ingest.ChangesStored.QueueName, fanOut.RunAsync, cancellationToken);

    /// <summary>Hands every wake-up message on the <c>dispatch</c> queue to the <c>DispatchAlerts</c> queue trigger; returns how many there were.</summary>
    public Task<int> WakeDispatcherAsync(CancellationToken cancellationToken = default) =>
        TriggerAsync(Azurite.ConnectionString, Alerts.Core.Delivery.IDispatchWakeUp.QueueName, DispatchFunction.OnWakeUpAsync, cancellationToken);

    /// <summary>
    /// Hands every message on the <c>channel-deliveries</c> queue to the <c>DeliverToChannel</c> function, as its queue
    /// trigger does, until the queue is empty (retries included: the tests' backoff is zero); returns how many there were.
    /// </summary>
    public Task<int> DeliverToChannelsAsync(CancellationToken cancellationToken = default) =>
        TriggerAsync(Azurite.ConnectionString, Alerts.Core.Channels.ChannelDelivery.QueueName, Services.GetRequiredService<DeliverToChannelFunction>().RunAsync, cancellationToken);

    /// <summary>Runs <paramref name="function"/> for every message on a queue, as a queue trigger does, until the queue is empty.</summary>
    private static async Task<int> TriggerAsync(string connectionString, string queueName, Func<string, CancellationToken, Task> function, CancellationToken cancellationToken)
    {
        var queue = new Azure.Storage.Queues.QueueClient(connectionString, queueName);
        await queue.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        var handled = 0;
        while ((await queue.ReceiveMessagesAsync(32, TimeSpan.FromMinutes(1), cancellationToken)).Value is { Length: > 0 } messages)
        {
            foreach (var message in messages)
            {
                await function(message.Body.ToString(), cancellationToken);
                await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, cancellationToken);
                handled++;
            }
        }

        return handled;
    }

    /// <summary>The fan-out queue trigger, the dispatcher's wake-up trigger, then its timer (see <see cref="Dispatch"/>).</summary>
    public sealed class StepsAfterAPost(AlertsApp app)
    {
        public async Task RunAsync(Microsoft.Azure.Functions.Worker.TimerInfo timer, CancellationToken cancellationToken)
        {
            await app.FanOutAsync(cancellationToken);
            await app.WakeDispatcherAsync(cancellationToken);
            await app.DispatchFunction.RunAsync(timer, cancellationToken);
        }
    }

    /// <summary>POSTs a body to /api/ratings, signed with <paramref name="secret"/> at <paramref name="signedAt"/> (default: now).</summary>
    /// <summary>With a query string the signature is <c>v2</c> (path and query signed too), as the contract requires.</summary>
    public Task<Response> PostRatingsAsync(string body, string contentType = "application/json", string? secret = Secret, DateTimeOffset? signedAt = null, string query = "")
    {
        var headers = new Dictionary<string, string>();
        if (secret is not null)
        {
            var t = (signedAt ?? _time?.GetUtcNow() ?? DateTimeOffset.UtcNow).ToUnixTimeSeconds();
            headers[WebhookSignature.HeaderName] = query.Length == 0
                ? WebhookSignature.Sign(secret, t, Encoding.UTF8.GetBytes(body))
                : WebhookSignature.SignV2(secret, t, "/api/ratings" + query, Encoding.UTF8.GetBytes(body));
        }

        return CallAsync(r => Ratings.PostAsync(r, CancellationToken.None), "POST", "/api/ratings" + query, body, contentType, headers);
    }

    public Task<Response> GetRatingsAsync(string query) =>
        CallAsync(r => Ratings.GetAsync(r, CancellationToken.None), "GET", "/api/ratings" + query);

    /// <summary>The emails in the pickup directory, parsed.</summary>
    public IReadOnlyList<MimeMessage> Emails(string to)
    {
        if (!Directory.Exists(PickupDirectory))
        {
            return [];
        }

        return Directory.GetFiles(PickupDirectory, "*.eml")
            .Order(StringComparer.Ordinal)
            .Select(path => MimeMessage.Load(path))
            .Where(m => m.To.Mailboxes.Any(a => string.Equals(a.Address, to, StringComparison.OrdinalIgnoreCase)))
            .ToList();
    }

    /// <summary>The alert emails to <paramref name="to"/> (all but confirmations).</summary>
    public IReadOnlyList<MimeMessage> AlertEmails(string to) => Emails(to).Where(m => !IsConfirmation(m)).ToList();

    public static bool IsConfirmation(MimeMessage message) => (message.Subject ?? string.Empty).Contains("Confirm", StringComparison.Ordinal);

    /// <summary>Subscribes <paramref name="email"/> and confirms through the link of the confirmation email; returns the subscription id.</summary>
    public async Task<string> SubscribeAndConfirmAsync(string email, string tickersJson, string extraJson = "")
    {
        var created = await CallAsync(
            r => Subscriptions.CreateAsync(r, CancellationToken.None), "POST", "/api/subscriptions",
            $"{{\"email\":\"{email}\",\"tickers\":{tickersJson}{extraJson}}}", "application/json");
        Assert.Equal(StatusCodes.Status201Created, created.Status);
        var id = created.Json().GetProperty("id").GetString()!;

        var link = Links(Emails(email).Single(IsConfirmation)).Single(l => l.AbsolutePath.Contains("/confirm", StringComparison.Ordinal));
        var confirmed = await CallAsync(r => Subscriptions.ConfirmAsync(r, id, CancellationToken.None), "POST", link.PathAndQuery);
        Assert.Equal(StatusCodes.Status200OK, confirmed.Status);
        return id;
    }

    /// <summary>Every link in an email's text part.</summary>
    public static IReadOnlyList<Uri> Links(MimeMessage message) =>
        System.Text.RegularExpressions.Regex.Matches(message.TextBody ?? string.Empty, @"https?://\S+")
            .Select(m => new Uri(m.Value))
            .ToList();

    public sealed record Response(int Status, string? ContentType, IReadOnlyDictionary<string, string> Headers, string Body)
    {
        public JsonElement Json() => JsonDocument.Parse(Body).RootElement.Clone();
    }
}

[CollectionDefinition(Name)]
public sealed class AlertsAppCollection : ICollectionFixture<AlertsApp>
{
    public const string Name = "Alerts app over Azurite";
}
