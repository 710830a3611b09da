using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Alerts.Testing;

namespace Alerts.LoadTest;

/// <summary>One run: the environment (our own Azurite and runner, or existing ones), subscriptions, the scenarios, the report.</summary>
internal sealed class LoadTest(LoadTestOptions options)
{
    /// <summary>The fixed-rate scheduler never has more requests than this in flight; beyond it a start is late.</summary>
    private const int MaxInFlight = 1_000;

    /// <summary>Subscribers' addresses are spread over this many mail domains: 100 confirmation emails each for 10,000.</summary>
    private const int MailDomains = 100;

    private readonly List<ScenarioStats> _scenarios = [];
    /// <summary>How often the runner's live heap is measured during the batch and quiet scenarios (each time a full collection of the runner).</summary>
    private static readonly TimeSpan LiveHeapInterval = TimeSpan.FromSeconds(3);

    private readonly List<(int Size, double IdleMb, double IdleLiveMb, ScenarioStats Stats)> _batches = [];
    private readonly List<(string When, IReadOnlyList<AzuriteBaseline.Result> Results, double AzuriteCpu, double OtherCpu)> _baselines = [];
    private readonly ConcurrentDictionary<string, string> _confirmations = new(StringComparer.Ordinal);
    private volatile ScenarioStats? _current;
    private AlertTracker? _tracker;
    private RunnerProcess? _runner;
    private ProcessSampler? _sampler;

    private string _storage = "UseDevelopmentStorage=true";
    private string _azuriteVersion = "?";
    private int _followersPerTicker;
    private int _morningFollowersPerTicker;
    private double _morningSetupSeconds = double.NaN;
    private string _mailboxFileSystem = "?";

    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var repoRoot = RepoRoot.Path;
        var tag = RunTag();
        var workParent = options.WorkParent ?? WorkFolder.Default();
        var work = Path.Combine(workParent, "alerts-loadtest-" + tag.ToLowerInvariant());
        Directory.CreateDirectory(work);
        var tickers = Enumerable.Range(0, options.Tickers).Select(i => $"LT{tag}{i:D3}").ToList();

        // Tickers nobody follows, for ingest alone (scenario quiet).
        var quietTickers = Enumerable.Range(0, options.Tickers).Select(i => $"LQ{tag}{i:D3}").ToList();

        // The morning burst's own tickers and subscribers (scenario morning).
        var morning = options.Scenarios.Contains("morning");
        var morningTickers = morning ? Enumerable.Range(0, options.MorningTickers).Select(i => $"LM{tag}{i:D4}").ToList() : [];
        _azuriteVersion = AzuriteVersion(repoRoot);

        AzuriteServer? azurite = null;
        Mailbox? mailbox = null;
        using var progressStop = new CancellationTokenSource();
        Task? progress = null;
        try
        {
            Uri baseUrl;
            string secret;
            string? mailboxDirectory;
            int? runnerPid;
            if (options.Url is null)
            {
                if (!options.NoBuild)
                {
                    Say("Building the local runner (Release) ...");
                    await RunnerProcess.BuildAsync(repoRoot, cancellationToken);
                }

                if (options.Storage is { } storage)
                {
                    _storage = CheckLoopbackStorage(storage);
                }
                else
                {
                    Say("Starting Azurite on free ports ...");
                    azurite = await AzuriteServer.StartAsync(workParent, options.AzuriteInMemory, cancellationToken);
                    _storage = azurite.ConnectionString;
                }

                secret = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
                Say("Starting the local runner ...");
                _runner = await RunnerProcess.StartAsync(repoRoot, _storage, secret, work, options.TraceStorage, cancellationToken);
                baseUrl = _runner.BaseUrl;
                mailboxDirectory = _runner.Mailbox;
                runnerPid = _runner.ProcessId;
                _mailboxFileSystem = WorkFolder.FileSystemOf(mailboxDirectory) ?? "?";
                Say($"Runner pid {_runner.ProcessId} on {baseUrl}, Azurite pid {azurite?.ProcessId.ToString() ?? "(existing)"}, mailbox {mailboxDirectory} ({_mailboxFileSystem})");
            }
            else
            {
                baseUrl = options.Url;
                secret = options.Secret;
                mailboxDirectory = options.Mailbox;
                _mailboxFileSystem = mailboxDirectory is null ? "?" : WorkFolder.FileSystemOf(mailboxDirectory) ?? "?";
                runnerPid = options.RunnerPid;
                _storage = CheckLoopbackStorage(options.Storage ?? "UseDevelopmentStorage=true");
                Say($"Using the runner on {baseUrl}{(mailboxDirectory is null ? " (no --mailbox: no subscriptions, no end-to-end latency)" : $", mailbox {mailboxDirectory}")}");
            }

            using var http = new HttpClient(new SocketsHttpHandler
            {
                MaxConnectionsPerServer = 1024,
                UseProxy = false,
                AllowAutoRedirect = false,
                PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
            })
            {
                Timeout = TimeSpan.FromSeconds(100),
            };

            if (mailboxDirectory is not null)
            {
                mailbox = new Mailbox(mailboxDirectory);
                mailbox.FileArrived += (name, path, at) =>
                {
                    if (Mailbox.ConfirmationOf(name) is { } subscriptionId)
                    {
                        _confirmations[subscriptionId] = path;
                    }
                    else if (_tracker is { } tracker)
                    {
                        ThreadPool.UnsafeQueueUserWorkItem(_ => tracker.OnAlertFile(name, path, at), null);
                    }
                };
            }

            var followers = mailbox is null
                ? tickers.ToDictionary(t => t, _ => (IReadOnlyList<Follower>)[], StringComparer.Ordinal)
                : (await SubscribeAsync(http, baseUrl, tickers, options.Subscriptions, j => [tickers[j % tickers.Count]], $"lt-{tag}", mailbox.Directory, cancellationToken)).Followers;
            _followersPerTicker = (int)Math.Round(followers.Values.Average(f => f.Count));
            if (morning && mailbox is not null)
            {
                var follows = options.MorningFollows;
                var (morningFollowers, seconds) = await SubscribeAsync(
                    http,
                    baseUrl,
                    morningTickers,
                    options.MorningSubscribers,
                    j => [.. Enumerable.Range(0, follows).Select(k => morningTickers[(int)(((long)j * follows + k) % morningTickers.Count)])],
                    $"lm-{tag}",
                    mailbox.Directory,
                    cancellationToken);
                _morningSetupSeconds = seconds;
                _morningFollowersPerTicker = (int)Math.Round(morningFollowers.Values.Average(f => f.Count));
                foreach (var (ticker, list) in morningFollowers)
                {
                    followers[ticker] = list;
                }
            }

            _tracker = new AlertTracker(followers);

            _sampler = new ProcessSampler(runnerPid, azurite?.ProcessId, TimeSpan.FromMilliseconds(100), LiveHeapInterval);
            progress = Task.Run(() => ProgressAsync(progressStop.Token), CancellationToken.None);
            var poster = new Poster(http, baseUrl, secret, tickers, _tracker);
            var quietPoster = new Poster(http, baseUrl, secret, quietTickers, _tracker);
            var morningPoster = new Poster(http, baseUrl, secret, morningTickers, _tracker);

            // Warm-up (not reported): JIT, connection pools, tables and queues created.
            var warmup = new ScenarioStats("warm-up", "one change per ticker, then a 10-change batch", 1);
            await RunAsync(warmup, async () =>
            {
                foreach (var _ in tickers)
                {
                    await poster.PostAsync(warmup, 1, cancellationToken);
                }

                await poster.PostAsync(warmup, 10, cancellationToken);
            }, mailbox is not null, report: false, cancellationToken);
            Say($"Warm-up: {warmup.Accepted} changes, {warmup.AlertsArrived}/{warmup.AlertsExpected} alert emails matched, e2e p50 {warmup.E2ePercentile(50):0} ms");
            if (warmup.Errors > 0 || (mailbox is not null && _followersPerTicker > 0 && warmup.AlertsArrived == 0))
            {
                throw new InvalidOperationException($"The warm-up failed ({string.Join(", ", warmup.ErrorsByKind.Select(e => $"{e.Key} x{e.Value}"))}, {warmup.AlertsArrived} emails); see {_runner?.LogPath ?? "the runner's output"}.");
            }

            if (options.WarmupSeconds > 0)
            {
                // Steady warm-up (not reported): .NET starts a process's methods in quickly compiled code and recompiles the
                // busy ones optimized after some seconds of load, so a runner just started is slow for its first 10-20 s.
                var steady = new ScenarioStats("warm-up", $"50 single-change posts/s for {options.WarmupSeconds} s", 1);
                await RunAsync(steady, () => FixedRateAsync(poster, steady, 50, 50 * options.WarmupSeconds, cancellationToken), mailbox is not null, report: false, cancellationToken);
                Say($"Steady warm-up: {steady.Accepted} changes in {options.WarmupSeconds} s, ack p50 / p99 {steady.AckPercentile(50):0.0} / {steady.AckPercentile(99):0.0} ms, {steady.AlertsArrived}/{steady.AlertsExpected} alert emails, e2e p50 / p99 {steady.E2ePercentile(50):0} / {steady.E2ePercentile(99):0} ms (not reported)");
            }

            var writers = options.Clients;
            if (options.Scenarios.Contains("baseline"))
            {
                await BaselineAsync("before", writers, tickers, cancellationToken);
            }

            if (options.Scenarios.Contains("rate"))
            {
                foreach (var perSecond in options.Rates)
                {
                    var total = (int)Math.Min((long)perSecond * options.RateSeconds, options.MaxRequests);
                    var rate = new ScenarioStats($"rate-{perSecond}", $"{perSecond} single-change posts/s for {options.RateSeconds} s", 1);
                    await RunAsync(rate, () => FixedRateAsync(poster, rate, perSecond, total, cancellationToken), mailbox is not null, report: true, cancellationToken);
                }
            }

            if (options.Scenarios.Contains("burst"))
            {
                var burst = new ScenarioStats("burst", $"single-change posts at full speed, {options.Clients} clients, {options.BurstSeconds} s", 1);
                await RunAsync(burst, () => FullSpeedAsync(poster, burst, options.Clients, 1, options.BurstSeconds, options.MaxRequests, cancellationToken), mailbox is not null, report: true, cancellationToken);
            }

            if (options.Scenarios.Contains("quiet"))
            {
                await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken);
                var quietIdle = _sampler.RunnerWorkingSetNow() / 1048576.0;
                var quietIdleLive = await _sampler.RunnerLiveHeapMbNowAsync();
                var quiet = new ScenarioStats("quiet-1", $"single-change posts at full speed on tickers nobody follows, {options.Clients} clients, {options.BurstSeconds} s", 1) { MeasuresLiveHeap = true };
                await RunAsync(quiet, () => FullSpeedAsync(quietPoster, quiet, options.Clients, 1, options.BurstSeconds, options.MaxRequests, cancellationToken), drain: false, report: true, cancellationToken);
                _batches.Add((1, quietIdle, quietIdleLive, quiet));
                foreach (var size in options.BatchSizes.Where(size => size > 1))
                {
                    await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken);
                    var idle = _sampler.RunnerWorkingSetNow() / 1048576.0;
                    var idleLive = await _sampler.RunnerLiveHeapMbNowAsync();
                    var quietBatch = new ScenarioStats($"quiet-{size}", $"{size}-change posts at full speed on tickers nobody follows, {options.BatchClients} clients, {options.BurstSeconds} s or {options.BatchMaxChanges:N0} changes", size) { MeasuresLiveHeap = true };
                    var posts = Math.Max(options.BatchClients, options.BatchMaxChanges / size);
                    await RunAsync(quietBatch, () => FullSpeedAsync(quietPoster, quietBatch, options.BatchClients, size, options.BurstSeconds, posts, cancellationToken), drain: false, report: true, cancellationToken);
                    _batches.Add((size, idle, idleLive, quietBatch));
                }
            }

            if (options.Scenarios.Contains("batch"))
            {
                foreach (var size in options.BatchSizes)
                {
                    await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken);
                    var idle = _sampler.RunnerWorkingSetNow() / 1048576.0;
                    var idleLive = await _sampler.RunnerLiveHeapMbNowAsync();
                    var batch = new ScenarioStats($"batch-{size}", $"{size}-change posts at full speed, {options.BatchClients} clients, {options.BatchSeconds} s or {options.BatchMaxChanges:N0} changes", size) { MeasuresLiveHeap = true };
                    var posts = Math.Max(options.BatchClients, options.BatchMaxChanges / size);
                    await RunAsync(batch, () => FullSpeedAsync(poster, batch, options.BatchClients, size, options.BatchSeconds, posts, cancellationToken), mailbox is not null, report: true, cancellationToken);
                    _batches.Add((size, idle, idleLive, batch));
                }
            }

            if (morning)
            {
                await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken);
                var burst = new ScenarioStats(
                    "morning",
                    $"{options.MorningChanges:N0} single-change posts over {options.MorningSeconds} s (jittered) on {options.MorningTickers:N0} tickers, {options.MorningSubscribers:N0} subscribers following {options.MorningFollows} each",
                    1);
                var perSecond = options.MorningChanges / (double)options.MorningSeconds;
                await RunAsync(burst, () => FixedRateAsync(morningPoster, burst, perSecond, options.MorningChanges, cancellationToken, jitter: true), mailbox is not null, report: true, cancellationToken);
            }

            if (options.Scenarios.Contains("baseline"))
            {
                await BaselineAsync("after", writers, tickers, cancellationToken);
            }

            await progressStop.CancelAsync();
            var report = Report(mailbox);
            Console.WriteLine();
            Console.WriteLine(report);
            if (options.MarkdownPath is { } markdown)
            {
                await File.WriteAllTextAsync(markdown, report, CancellationToken.None);
                Say($"Written to {markdown}");
            }

            return 0;
        }
        finally
        {
            await progressStop.CancelAsync();
            if (progress is not null)
            {
                await progress;
            }

            if (_sampler is not null)
            {
                await _sampler.DisposeAsync();
            }

            mailbox?.Dispose();
            if (_runner is not null)
            {
                await _runner.DisposeAsync();
                Say($"Stopped the runner{(options.KeepFiles ? $"; its log: {_runner.LogPath}, mailbox {_runner.Mailbox}" : string.Empty)}");
            }

            if (azurite is not null)
            {
                await azurite.DisposeAsync();
                Say("Stopped Azurite");
            }

            if (!options.KeepFiles)
            {
                try
                {
                    Directory.Delete(work, recursive: true);
                }
                catch (IOException)
                {
                    // best effort
                }
            }
        }
    }

    private static void Say(string line) => Console.WriteLine(line);

    private static string Mb(double value) => double.IsNaN(value) ? "-" : value.ToString("N0", System.Globalization.CultureInfo.InvariantCulture);

    private static string RunTag() =>
        string.Concat(RandomNumberGenerator.GetItems<char>("ABCDEFGHIJKLMNOPQRSTUVWXYZ", 4));

    private static string AzuriteVersion(string repoRoot)
    {
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(repoRoot, "node_modules", "azurite", "package.json")));
            return document.RootElement.GetProperty("version").GetString() ?? "?";
        }
        catch (Exception ex) when (ex is IOException or JsonException or KeyNotFoundException)
        {
            return "?";
        }
    }

    /// <summary>Only loopback storage: every endpoint in the connection string must be 127.0.0.1, ::1 or localhost.</summary>
    private static string CheckLoopbackStorage(string connectionString)
    {
        foreach (var part in connectionString.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = part.IndexOf('=');
            if (equals > 0 && part[..equals].EndsWith("Endpoint", StringComparison.OrdinalIgnoreCase))
            {
                LoadTestOptions.Loopback(new Uri(part[(equals + 1)..]), "--storage");
            }
            else if (equals > 0 && part[..equals].Equals("AccountName", StringComparison.OrdinalIgnoreCase)
                && !connectionString.Contains("Endpoint=", StringComparison.OrdinalIgnoreCase))
            {
                throw new ArgumentException("--storage: give explicit loopback endpoints (TableEndpoint=http://127.0.0.1:...), or UseDevelopmentStorage=true.");
            }
        }

        return connectionString;
    }

    /// <summary>
    /// Creates <paramref name="count"/> subscriptions (subscription j follows <paramref name="follows"/>(j)), reads each
    /// confirmation email from the pickup directory and POSTs its link, as a user pressing the button would.
    /// </summary>
    private async Task<(Dictionary<string, IReadOnlyList<Follower>> Followers, double Seconds)> SubscribeAsync(HttpClient http, Uri baseUrl, IReadOnlyList<string> tickers, int count, Func<int, string[]> follows, string emailPrefix, string mailbox, CancellationToken cancellationToken)
    {
        var result = tickers.ToDictionary(t => t, _ => (IReadOnlyList<Follower>)new List<Follower>(), StringComparer.Ordinal);
        if (count == 0)
        {
            return (result, 0);
        }

        Say($"Creating and confirming {count:N0} subscriptions on {tickers.Count:N0} tickers ...");
        var stopwatch = Stopwatch.StartNew();

        var created = new ConcurrentBag<(string Id, string Email, string[] Tickers)>();
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken }, async (j, ct) =>
        {
            var followed = follows(j);
            // Spread over mail domains as real subscribers are (a domain may get 200 confirmation emails an hour by default).
            var email = $"{emailPrefix.ToLowerInvariant()}-{j}@m{j % MailDomains}.example.com";
            var body = JsonSerializer.Serialize(new Dictionary<string, object> { ["email"] = email, ["tickers"] = followed });
            using var response = await http.PostAsync(new Uri(baseUrl, "/api/subscriptions"), new StringContent(body, Encoding.UTF8, "application/json"), ct);
            var text = await response.Content.ReadAsStringAsync(ct);
            if (response.StatusCode != HttpStatusCode.Created)
            {
                throw new InvalidOperationException($"POST /api/subscriptions answered {(int)response.StatusCode}: {text}");
            }

            using var document = JsonDocument.Parse(text);
            created.Add((document.RootElement.GetProperty("id").GetString()!, email, followed));
        });

        // 60 s, and more for many: the confirmation emails are written as the runner's queue delivers them.
        var wait = TimeSpan.FromSeconds(60 + (count / 100));
        var deadline = Stopwatch.StartNew();
        while (created.Any(c => !_confirmations.ContainsKey(c.Id)))
        {
            if (deadline.Elapsed > wait)
            {
                throw new TimeoutException($"{created.Count(c => !_confirmations.ContainsKey(c.Id))} confirmation emails did not arrive in {mailbox} within {wait.TotalSeconds:0} s.");
            }

            await Task.Delay(100, cancellationToken);
        }

        await Parallel.ForEachAsync(created, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken }, async (subscription, ct) =>
        {
            var link = Mailbox.ConfirmLinkIn(_confirmations[subscription.Id])
                ?? throw new InvalidOperationException($"No confirmation link in {_confirmations[subscription.Id]}.");
            using var request = new HttpRequestMessage(HttpMethod.Post, LoadTestOptions.Loopback(new Uri(link), "the confirmation link"));
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
            using var response = await http.SendAsync(request, ct);
            if (!response.IsSuccessStatusCode)
            {
                throw new InvalidOperationException($"Confirming {subscription.Id} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(ct)}");
            }
        });

        foreach (var (id, email, followed) in created)
        {
            foreach (var ticker in followed)
            {
                ((List<Follower>)result[ticker]).Add(new Follower(id, email));
            }
        }

        var seconds = stopwatch.Elapsed.TotalSeconds;
        Say($"{created.Count:N0} subscriptions confirmed in {seconds:0.0} s ({result.Values.Average(f => f.Count):0.#} followers per ticker)");
        return (result, seconds);
    }

    private async Task RunAsync(ScenarioStats scenario, Func<Task> load, bool drain, bool report, CancellationToken cancellationToken)
    {
        if (report)
        {
            Say($"Scenario {scenario.Name}: {scenario.Description}");
            _scenarios.Add(scenario);
        }

        var matchedBefore = _runner?.AlertsMatched;
        var slowBefore = _runner?.SlowStorageResponses;
        var outboxBefore = _runner?.OutboxEntriesRedriven;
        var requestsBefore = _runner?.StorageRequests;
        _current = scenario;
        if (_sampler is not null)
        {
            _sampler.Current = scenario;
        }

        scenario.Start();
        await load();
        scenario.Stop();
        if (drain)
        {
            var deadline = Clock.Now + (options.DrainSeconds * Stopwatch.Frequency);
            var lastArrived = -1L;
            var lastProgress = Clock.Now;
            while (scenario.AlertsArrived < scenario.AlertsExpected && Clock.Now < deadline)
            {
                await Task.Delay(100, cancellationToken);
                if (scenario.AlertsArrived != lastArrived)
                {
                    lastArrived = scenario.AlertsArrived;
                    lastProgress = Clock.Now;
                }
                else if (Clock.Seconds(lastProgress, Clock.Now) > 30)
                {
                    Say($"[{scenario.Name}] no alert email for 30 s; {scenario.AlertsExpected - scenario.AlertsArrived} missing");
                    break;
                }
            }
        }

        scenario.MarkDrained();
        if (_runner is not null)
        {
            await Task.Delay(300, cancellationToken); // the runner's console logger is asynchronous
            scenario.AlertsMatchedByRunner = _runner.AlertsMatched - matchedBefore;
            // The SDK logs slow responses only when its request log is on (--trace-storage); else the count is unknown.
            scenario.SlowStorageResponses = _runner.TracesStorage ? _runner.SlowStorageResponses - slowBefore : null;
            scenario.OutboxEntriesRedriven = _runner.OutboxEntriesRedriven - outboxBefore;
            scenario.StorageRequests = _runner.StorageRequests
                .Select(r => (r.Key, Count: r.Value - (requestsBefore!.TryGetValue(r.Key, out var before) ? before : 0)))
                .Where(r => r.Count > 0)
                .ToDictionary(r => r.Key, r => r.Count, StringComparer.Ordinal);
        }

        if (_sampler is not null)
        {
            _sampler.Current = null;
        }

        _current = null;
        if (report)
        {
            Say(scenario.Progress() + $"  (done; {scenario.AlertsArrived:N0} emails by {Clock.Seconds(scenario.Started, scenario.Drained):0.0} s)");
        }
    }

    private async Task BaselineAsync(string when, int writers, IReadOnlyList<string> tickers, CancellationToken cancellationToken)
    {
        Say($"Azurite baseline ({when}), {writers} writers, {options.BaselineSeconds} s per mode ...");
        var sampling = new ScenarioStats("baseline-" + when, "Azurite's raw rate", 1);
        _sampler!.Current = sampling;
        var results = await new AzuriteBaseline(_storage, tickers, writers, TimeSpan.FromSeconds(options.BaselineSeconds)).RunAsync(when[..1], Say, cancellationToken);
        _sampler.Current = null;
        var (_, _, _, _, azuriteCpu, _, otherCpu) = sampling.Resources();
        _baselines.Add((when, results, azuriteCpu, otherCpu));
    }

    /// <summary>
    /// Starts <paramref name="total"/> single-change posts at <paramref name="perSecond"/>, open loop; with
    /// <paramref name="jitter"/>, each start moves by up to half the interval either way, as news arrives.
    /// </summary>
    private static async Task FixedRateAsync(Poster poster, ScenarioStats scenario, double perSecond, int total, CancellationToken cancellationToken, bool jitter = false)
    {
        using var inFlight = new SemaphoreSlim(MaxInFlight);
        var tasks = new List<Task>(total);
        var start = Clock.Now;
        for (var i = 0; i < total; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var slot = i + (jitter ? Random.Shared.NextDouble() - 0.5 : 0);
            var due = start + (long)(Math.Max(0, slot) * Stopwatch.Frequency / perSecond);
            var wait = Clock.Ms(Clock.Now, due);
            if (wait >= 1)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(wait), cancellationToken);
            }

            if (!inFlight.Wait(0))
            {
                scenario.LateStarts++;
                await inFlight.WaitAsync(cancellationToken);
            }

            tasks.Add(Task.Run(
                async () =>
                {
                    try
                    {
                        await poster.PostAsync(scenario, 1, cancellationToken);
                    }
                    finally
                    {
                        inFlight.Release();
                    }
                },
                CancellationToken.None));
        }

        await Task.WhenAll(tasks);
    }

    private static async Task FullSpeedAsync(Poster poster, ScenarioStats scenario, int clients, int changesPerPost, int seconds, int maxPosts, CancellationToken cancellationToken)
    {
        var deadline = Clock.Now + (seconds * Stopwatch.Frequency);
        long issued = 0;
        await Task.WhenAll(Enumerable.Range(0, clients).Select(_ => Task.Run(
            async () =>
            {
                while (Clock.Now < deadline && Interlocked.Increment(ref issued) <= maxPosts)
                {
                    await poster.PostAsync(scenario, changesPerPost, cancellationToken);
                }
            },
            CancellationToken.None)));
    }

    private async Task ProgressAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.ProgressSeconds));
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                if (_current is { } scenario && scenario.Name != "warm-up")
                {
                    Say(scenario.Progress() + (scenario.Stopped > 0 ? "  (draining)" : string.Empty));
                }
            }
        }
        catch (OperationCanceledException)
        {
            // done
        }
    }

    private string Report(Mailbox? mailbox)
    {
        var md = new StringBuilder();
        var memory = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 1073741824.0;
        md.AppendLine("### Load test results").AppendLine();
        md.AppendLine($"Machine: {Environment.ProcessorCount} cores ({CpuModel()}), {memory:0.0} GiB, {RuntimeInformation.OSDescription}, {RuntimeInformation.FrameworkDescription}, Azurite {_azuriteVersion}; " +
                      $"the tool, the runner (Release) and Azurite share these cores.");
        md.AppendLine($"Setup: {options.Subscriptions} confirmed subscriptions on {options.Tickers} tickers ({_followersPerTicker} per ticker, so each change is {_followersPerTicker} alert emails); alerts on the Storage queue; emails as .eml files " +
                      $"on {_mailboxFileSystem}{(options.Url is null ? " (the run's folder; see --work-dir)" : string.Empty)}; " +
                      (options.Url is not null || options.Storage is not null ? "Azurite not ours." : options.AzuriteInMemory ? "Azurite in memory only (--azurite-in-memory)." : "Azurite saving its data in the run's folder, as the local runner's does."));
        if (!double.IsNaN(_morningSetupSeconds))
        {
            md.AppendLine($"Morning burst set-up: {options.MorningSubscribers:N0} subscribers on {options.MorningTickers:N0} tickers of its own, each following {options.MorningFollows} " +
                          $"({_morningFollowersPerTicker} followers per ticker, so each change is {_morningFollowersPerTicker} alert emails), created and confirmed over HTTP (8 concurrent) in {_morningSetupSeconds:0.0} s.");
        }

        md.AppendLine();

        var baseline = BaselineMeans();
        if (baseline.Count > 0)
        {
            md.AppendLine($"Azurite's raw rate, same client and entity shape (log row + content key row per change, PartitionKey = ticker), {options.Clients} concurrent writers " +
                          $"(Azurite CPU {string.Join(" / ", _baselines.Select(b => $"{b.AzuriteCpu:0} %"))}, other processes {string.Join(" / ", _baselines.Select(b => $"{b.OtherCpu:0} %"))}):").AppendLine();
            md.AppendLine("| mode | " + string.Join(" | ", _baselines.Select(b => $"changes/s ({b.When})")) + " | entities/s (mean) | changes/s (mean) |");
            md.AppendLine("| --- | " + string.Join(" | ", _baselines.Select(_ => "---:")) + " | ---: | ---: |");
            foreach (var (mode, changes, entities) in baseline)
            {
                md.AppendLine($"| {mode} | " + string.Join(" | ", _baselines.Select(b => $"{b.Results.First(r => r.Mode == mode).ChangesPerSecond:N0}")) + $" | {entities:N0} | {changes:N0} |");
            }

            md.AppendLine();
        }

        md.AppendLine("| scenario | posts | changes stored | errors | stored/s (sustained) | ack p50 / p99 (ms) | e2e p50 / p99 (ms) | post to email p50 / p99 (ms) | alerts queued/s | alert emails/s | emails matched | runner WS MB (mean / max) | CPU % runner / Azurite / tool / other | storage responses > 3 s |");
        md.AppendLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var s in _scenarios)
        {
            var (_, meanMb, maxMb, runnerCpu, azuriteCpu, selfCpu, otherCpu) = s.Resources();
            var errors = s.Errors == 0 ? "0" : $"{s.Errors} ({string.Join(", ", s.ErrorsByKind.Select(e => $"{e.Key} x{e.Value}"))})";
            var alerts = s.AlertsExpected == 0;
            md.AppendLine($"| {s.Name}: {s.Description} | {s.Requests:N0} | {s.Accepted:N0} | {errors} | {s.StoredPerSecond:N0} ({s.SustainedPerSecond:N0}) | {s.AckPercentile(50):0.0} / {s.AckPercentile(99):0.0} | " +
                          (alerts
                              ? "- | - | - | - | - | "
                              : $"{s.E2ePercentile(50):N0} / {s.E2ePercentile(99):N0} | {s.PostToEmailPercentile(50):N0} / {s.PostToEmailPercentile(99):N0} | {s.QueuedPerSecond:N0} | {s.SentPerSecond:N0} | {s.AlertsArrived:N0} / {s.AlertsExpected:N0} | ") +
                          $"{meanMb:N0} / {maxMb:N0} | {runnerCpu:0} / {azuriteCpu:0} / {selfCpu:0} / {otherCpu:0} | {(s.SlowStorageResponses is { } slow ? slow.ToString("N0", System.Globalization.CultureInfo.InvariantCulture) : "-")} |");
        }

        md.AppendLine();
        md.AppendLine("stored/s: changes acknowledged per second over the scenario (first send to last ack); in brackets the median of its whole seconds, first and last left out. " +
                      "ack: client-side, send to 202 read. e2e: from the 202 to the alert's .eml file appearing (FileSystemWatcher), per alert email (an email written before the 202 was read counts 0); post to email: from sending the post instead. " +
                      "alerts queued/s: alerts the runner logged as matched (and queued) per second of the ingest window; alert emails/s: emails from the scenario's start to its last email. CPU: 100 % = one core; other = every other process on the machine (should be near 0 for clean figures).");
        if (_scenarios.Any(s => s.ArrivedBeforeAck > 0 || s.LateStarts > 0 || s.OutboxEntriesRedriven > 0))
        {
            md.AppendLine();
            foreach (var s in _scenarios.Where(s => s.ArrivedBeforeAck > 0 || s.LateStarts > 0 || s.OutboxEntriesRedriven > 0))
            {
                md.AppendLine($"- {s.Name}: {s.ArrivedBeforeAck:N0} of {s.AlertsArrived:N0} emails were written before the client had read the 202; " +
                              $"{s.LateStarts:N0} fixed-rate starts were late (over {MaxInFlight} in flight); " +
                              $"the sweep fanned out {s.OutboxEntriesRedriven?.ToString("N0", System.Globalization.CultureInfo.InvariantCulture) ?? "?"} changes left pending.");
            }
        }

        foreach (var s in _scenarios.Where(s => s.Name == "morning"))
        {
            md.AppendLine();
            md.AppendLine($"Morning burst: {s.Accepted:N0} changes in {s.IngestSeconds:0.0} s, alert e2e (202 to the email written) p50 {s.E2ePercentile(50):N0} ms, p99 {s.E2ePercentile(99):N0} ms, max {s.E2eMax():N0} ms; " +
                          $"emails {s.AlertsArrived:N0} received of {s.AlertsExpected:N0} expected, {s.AlertsTwice:N0} twice; ack p99 {s.AckPercentile(99):0.0} ms; errors {s.Errors:N0}.");
        }

        md.AppendLine();
        if (_batches.Count > 0)
        {
            md.AppendLine($"Runner memory as the batch size grows: the working set sampled every 100 ms, and the live heap (what survives a full collection, the runtime asked for one over EventPipe every {LiveHeapInterval.TotalSeconds:0} s during the scenario, as `dotnet-gcdump` does):").AppendLine();
            md.AppendLine("| changes per post | alerts | posts | working set idle before (MB) | working set mean / max (MB) | live heap idle before (MB) | live heap max (MB, measurements) | stored/s | ack p50 / p99 (ms) |");
            md.AppendLine("| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
            foreach (var (size, idle, idleLive, s) in _batches.OrderBy(b => b.Stats.AlertsExpected == 0).ThenBy(b => b.Size))
            {
                var (_, meanMb, maxMb, _, _, _, _) = s.Resources();
                var (liveMaxMb, measurements) = s.LiveHeap();
                md.AppendLine($"| {size:N0} | {(s.AlertsExpected == 0 ? "none (quiet)" : $"{s.AlertsExpected:N0}")} | {s.Requests:N0} | {idle:N0} | {meanMb:N0} / {maxMb:N0} | {Mb(idleLive)} | {Mb(liveMaxMb)} ({measurements}) | {s.StoredPerSecond:N0} | {s.AckPercentile(50):0} / {s.AckPercentile(99):0} |");
            }

            md.AppendLine();
        }

        if (baseline.Count > 0)
        {
            md.AppendLine("Ingest against Azurite's raw rate (same run, same Azurite):").AppendLine();
            md.AppendLine("| our ingest | changes/s | vs single inserts | vs 2-entity transaction per change | vs 100-entity transactions |");
            md.AppendLine("| --- | ---: | ---: | ---: | ---: |");
            double Base(int i) => baseline[i].Changes;
            foreach (var s in _scenarios.Where(s => !s.Name.StartsWith("rate", StringComparison.Ordinal)))
            {
                var ours = s.ChangesPerPost == 1 ? s.SustainedPerSecond : s.StoredPerSecond;
                md.AppendLine($"| {s.Name} | {ours:N0} | {ours / Base(0):0.00}x | {ours / Base(1):0.00}x | {ours / Base(2):0.00}x |");
            }

            md.AppendLine();
        }

        if (options.TraceStorage && _scenarios.Any(s => s.StorageRequests.Count > 0))
        {
            var kinds = _scenarios.SelectMany(s => s.StorageRequests).GroupBy(r => r.Key).OrderByDescending(g => g.Sum(r => r.Value)).Select(g => g.Key).ToList();
            md.AppendLine("Storage requests of the runner per change stored (from its Azure SDK request log; the logging itself slows the runner, so the rates of this run are not the figures above):").AppendLine();
            md.AppendLine("| request | " + string.Join(" | ", _scenarios.Select(s => s.Name)) + " |");
            md.AppendLine("| --- | " + string.Join(" | ", _scenarios.Select(_ => "---:")) + " |");
            foreach (var kind in kinds)
            {
                md.AppendLine($"| {kind} | " + string.Join(" | ", _scenarios.Select(s => s.Accepted == 0 ? "-" : $"{(s.StorageRequests.TryGetValue(kind, out var n) ? n : 0) / (double)s.Accepted:0.00}")) + " |");
            }

            md.AppendLine("| all | " + string.Join(" | ", _scenarios.Select(s => s.Accepted == 0 ? "-" : $"{s.StorageRequests.Values.Sum() / (double)s.Accepted:0.00}")) + " |");
            md.AppendLine();
        }

        if (_tracker is not null && mailbox is not null)
        {
            var (byName, byMessageId, bySubject) = _tracker.MatchedBy;
            md.AppendLine($"Emails matched to their change by file name {byName:N0}, by Message-Id {byMessageId:N0}, by subject {bySubject:N0}; not matched {_tracker.Unmatched:N0}. " +
                          $"Seen by the watcher {mailbox.SeenByWatcher:N0}, by the 250 ms scan {mailbox.SeenByScan:N0}.");
        }

        if (_runner is not null)
        {
            md.AppendLine($"Runner log: {_runner.Warnings:N0} warning/error lines.");
        }

        return md.ToString();
    }

    /// <summary>Per baseline mode: mean changes/s and entities/s over the before and after runs.</summary>
    private List<(string Mode, double Changes, double Entities)> BaselineMeans() =>
        _baselines.Count == 0
            ? []
            : _baselines[0].Results.Select(r => (
                r.Mode,
                _baselines.Average(b => b.Results.First(x => x.Mode == r.Mode).ChangesPerSecond),
                _baselines.Average(b => b.Results.First(x => x.Mode == r.Mode).EntitiesPerSecond))).ToList();

    private static string CpuModel()
    {
        try
        {
            return File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? RuntimeInformation.ProcessArchitecture.ToString();
        }
        catch (IOException)
        {
            return RuntimeInformation.ProcessArchitecture.ToString();
        }
        catch (UnauthorizedAccessException)
        {
            return RuntimeInformation.ProcessArchitecture.ToString();
        }
    }
}
