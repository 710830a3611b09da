using System.Text;
using Alerts.Core.Channels;
using Alerts.Core.Ingest;
using Alerts.Core.Security;
using Azure.Storage.Queues;
using Xunit;

namespace Alerts.Testing;

/// <summary>
/// The one way the end-to-end and browser tests run the system: its own Azurite on free ports, the local runner started
/// as a user starts it (its own process, <see cref="LocalRunnerProcess"/>) on a free port with the given settings, a
/// working folder holding the runner's mailbox, and the webhook secret that signs posts. Readiness is awaited (the runner
/// answers a storage-backed route), never slept for. The runner can be killed (kill -9) and started again on the same
/// port and folder, or started again with other settings; dispose to kill it, stop Azurite and remove the folder.
/// Use it as an xUnit class fixture, or hold one per test class instance (call <see cref="InitializeAsync"/> and
/// <see cref="DisposeAsync"/> from the class's own <see cref="IAsyncLifetime"/>).
/// </summary>
public sealed class LocalRunnerFixture : IAsyncLifetime
{
    /// <summary>The secret the tests sign webhook posts with unless they give another.</summary>
    public const string DefaultWebhookSecret = "end-to-end-secret-0123456789abcdefghij";

    /// <summary>
    /// The queues that carry work towards a delivery: stored changes to fan out, alerts to send (<c>alerts</c>, named by
    /// the infrastructure, which this library does not reference), channel deliveries.
    /// The wake-up queues (<c>dispatch</c>, <c>digests</c>) are left out: they hold hidden wake-ups by design.
    /// </summary>
    private static readonly string[] WorkQueues = [ChangesStored.QueueName, "alerts", ChannelDelivery.QueueName];

    private readonly bool _startRunner;
    private readonly HttpClient _http = new();
    private AzuriteServer? _azurite;
    private LocalRunnerProcess? _runner;
    private int _port;
    private IReadOnlyDictionary<string, string>? _settings;

    /// <summary>For xUnit's class fixtures: the default secret and default settings, the runner started.</summary>
    public LocalRunnerFixture()
        : this(DefaultWebhookSecret)
    {
    }

    /// <param name="webhookSecret">The runner's <c>Webhook__Secrets</c>; empty lets it use its development secret.</param>
    /// <param name="settings">Extra environment for the runner started on initialization.</param>
    /// <param name="startRunner">False starts Azurite only: the test starts the runner itself (<see cref="StartRunnerAsync"/>).</param>
    public LocalRunnerFixture(string webhookSecret, IReadOnlyDictionary<string, string>? settings = null, bool startRunner = true)
    {
        WebhookSecret = webhookSecret;
        _settings = settings;
        _startRunner = startRunner;
    }

    public string WebhookSecret { get; }

    /// <summary>The runner's working folder (its mailbox and data folder are under it).</summary>
    public string WorkDirectory { get; } = Path.Combine(Path.GetTempPath(), "alerts-runner-" + Guid.NewGuid().ToString("N"));

    /// <summary>Where the runner writes each email as an .eml file (when no SendGrid key is set).</summary>
    public string Mailbox => Path.Combine(WorkDirectory, "mailbox");

    public AzuriteServer Azurite => _azurite ?? throw new InvalidOperationException("The fixture has not been initialized.");

    /// <summary>The runner running now (it changes with every start).</summary>
    public LocalRunnerProcess Runner => _runner ?? throw new InvalidOperationException("The runner has not been started.");

    public string BaseUrl => Runner.BaseUrl;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(WorkDirectory);
        _azurite = await AzuriteServer.StartAsync().ConfigureAwait(false);
        if (_startRunner)
        {
            await StartRunnerAsync(_settings).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Starts the runner on a new free port with <paramref name="settings"/> (stopping the one running, if any) and waits
    /// until it answers. Throws, with its output, when it exits instead.
    /// </summary>
    public async Task<LocalRunnerProcess> StartRunnerAsync(IReadOnlyDictionary<string, string>? settings = null)
    {
        await StopRunnerAsync().ConfigureAwait(false);
        _settings = settings;
        _port = FreePorts.GetOne();
        return _runner = await LocalRunnerProcess.StartAsync(Azurite.ConnectionString, WebhookSecret, WorkDirectory, _port, settings).ConfigureAwait(false);
    }

    /// <summary>kill -9 of the runner: no shutdown, no flushing.</summary>
    public Task KillRunnerAsync() => Runner.KillAsync();

    /// <summary>Starts the runner again on the same port, folder and settings (after <see cref="KillRunnerAsync"/>) and waits until it answers.</summary>
    public async Task<LocalRunnerProcess> RestartRunnerAsync()
    {
        await StopRunnerAsync().ConfigureAwait(false);
        return _runner = await LocalRunnerProcess.StartAsync(Azurite.ConnectionString, WebhookSecret, WorkDirectory, _port, _settings).ConfigureAwait(false);
    }

    /// <summary>POSTs <paramref name="body"/> to <paramref name="pathAndQuery"/> of the runner, signed with the fixture's secret as a vendor signs it.</summary>
    public Task<HttpResponseMessage> PostSignedAsync(string body, string contentType = "application/json", string pathAndQuery = "/api/ratings")
    {
        var request = new HttpRequestMessage(HttpMethod.Post, BaseUrl + pathAndQuery) { Content = new StringContent(body, Encoding.UTF8, contentType) };
        request.Headers.Add(WebhookSignature.HeaderName, WebhookSignature.Sign(WebhookSecret, DateTimeOffset.UtcNow.ToUnixTimeSeconds(), Encoding.UTF8.GetBytes(body)));
        return _http.SendAsync(request);
    }

    /// <summary>
    /// Waits until the queues that carry work towards a delivery (changes, alerts, channel deliveries) hold no message,
    /// visible or hidden: every change fanned out, every alert sent and deleted, none held by a killed runner left to come
    /// back. After it, a duplicate could only come from new work, so "nothing twice" can be asserted without sleeping.
    /// </summary>
    public async Task WaitUntilQueuesDrainedAsync(TimeSpan timeout)
    {
        var service = new QueueServiceClient(Azurite.ConnectionString);
        var counts = new Dictionary<string, long>();
        try
        {
            await Eventually.UntilAsync(
                async () =>
                {
                    foreach (var name in WorkQueues)
                    {
                        var queue = service.GetQueueClient(name);
                        counts[name] = await queue.ExistsAsync().ConfigureAwait(false) ? (await queue.GetPropertiesAsync().ConfigureAwait(false)).Value.ApproximateMessagesCountLong : 0;
                    }

                    return counts.Values.All(c => c == 0);
                },
                timeout,
                "the work queues are drained").ConfigureAwait(false);
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException($"{ex.Message} Messages left: {string.Join(", ", counts.Select(c => $"{c.Key} {c.Value}"))}\nRunner output:\n{_runner?.Output}", ex);
        }
    }

    public async Task DisposeAsync()
    {
        await StopRunnerAsync().ConfigureAwait(false);
        if (_azurite is not null)
        {
            await _azurite.DisposeAsync().ConfigureAwait(false);
        }

        _http.Dispose();
        try
        {
            Directory.Delete(WorkDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A runner's last file handles; the temp folder is cleaned by the OS.
        }
    }

    private async Task StopRunnerAsync()
    {
        if (_runner is not null)
        {
            await _runner.DisposeAsync().ConfigureAwait(false);
            _runner = null;
        }
    }
}
