using System.Globalization;
using System.Net;

namespace Alerts.LoadTest;

/// <summary>The command line. Every scenario is bounded in count and in time; every address must be loopback.</summary>
internal sealed class LoadTestOptions
{
    public static readonly string[] AllScenarios = ["baseline", "rate", "burst", "quiet", "batch", "morning"];

    public IReadOnlyList<string> Scenarios { get; private set; } = AllScenarios;

    /// <summary>An existing runner (http://127.0.0.1:7071); none: start our own.</summary>
    public Uri? Url { get; private set; }

    /// <summary>Webhook secret of an existing runner.</summary>
    public string Secret { get; private set; } = "local-development-secret";

    /// <summary>Pickup directory of an existing runner (for confirmations and end-to-end latency).</summary>
    public string? Mailbox { get; private set; }

    /// <summary>Storage connection string of an existing Azurite (for the baseline; with --url, the runner's).</summary>
    public string? Storage { get; private set; }

    /// <summary>Process id of an existing runner, to sample its working set and live heap.</summary>
    public int? RunnerPid { get; private set; }

    public bool NoBuild { get; private set; }

    /// <summary>Count the runner's storage requests by kind (from the Azure SDK's request log; slows the runner).</summary>
    public bool TraceStorage { get; private set; }

    public int Subscriptions { get; private set; } = 20;

    public int Tickers { get; private set; } = 10;

    public IReadOnlyList<int> Rates { get; private set; } = [100];

    public int RateSeconds { get; private set; } = 30;

    /// <summary>Seconds of posts at 50/s with alerts before the scenarios (not reported): the runner's code reaches its optimized tier.</summary>
    public int WarmupSeconds { get; private set; } = 20;

    public int Clients { get; private set; } = 8;

    public int BurstSeconds { get; private set; } = 20;

    public int MaxRequests { get; private set; } = 100_000;

    public IReadOnlyList<int> BatchSizes { get; private set; } = [1, 10, 100, 1000];

    public int BatchClients { get; private set; } = 2;

    public int BatchSeconds { get; private set; } = 15;

    public int BatchMaxChanges { get; private set; } = 20_000;

    public int BaselineSeconds { get; private set; } = 5;

    /// <summary>The morning burst: single-change posts spread evenly (with jitter) over <see cref="MorningSeconds"/>.</summary>
    public int MorningChanges { get; private set; } = 600;

    public int MorningSeconds { get; private set; } = 60;

    /// <summary>Tickers of the morning burst's own, followed by <see cref="MorningSubscribers"/> subscribers.</summary>
    public int MorningTickers { get; private set; } = 1_000;

    public int MorningSubscribers { get; private set; } = 10_000;

    /// <summary>Tickers each morning subscriber follows (so each ticker has subscribers x follows / tickers followers).</summary>
    public int MorningFollows { get; private set; } = 3;

    public int DrainSeconds { get; private set; } = 120;

    public int MaxTotalSeconds { get; private set; } = 1800;

    public int ProgressSeconds { get; private set; } = 2;

    /// <summary>Also write the results as Markdown (for the README) to this file.</summary>
    public string? MarkdownPath { get; private set; }

    /// <summary>
    /// Where the run's folder (mailbox, runner log, Azurite's data) goes; null: <see cref="WorkFolder.Default"/>.
    /// </summary>
    public string? WorkParent { get; private set; }

    /// <summary>Start our Azurite with <c>--inMemoryPersistence</c> (no periodic save of its tables).</summary>
    public bool AzuriteInMemory { get; private set; }

    /// <summary>Keep the runner's log and the mailbox after the run (printed at the end).</summary>
    public bool KeepFiles { get; private set; }

    public static string Usage => """
        Alerts load tool: signed posts against the local runner on Azurite, with Azurite's raw rate in the same run.

        dotnet run -c Release --project tools/Alerts.LoadTest -- [options]

        By default it builds the local runner in Release, starts its own Azurite on free ports and its own runner
        (a fresh mailbox and data folder, see --work-dir), runs every scenario, prints the figures, and stops both.

        Scenarios (--scenarios, comma-separated; default all):
          baseline   Azurite's raw rate, same client and entity shape (a log row + a content key row per change,
                     partition = ticker): single inserts, a 2-entity transaction per change, 100-entity transactions;
                     run before and after the others
          rate       signed single-change posts at a fixed rate (--rate per second for --rate-seconds; a list such
                     as 50,100 runs one scenario per rate)
          burst      signed single-change posts at full speed from --clients concurrent clients for --burst-seconds
          quiet      ingest alone: single-change posts at full speed (--clients) and posts of each of --batch-sizes
                     above 1 (--batch-clients), on tickers nobody follows (no alerts queued or sent), --burst-seconds
                     or --batch-max-changes each
          batch      batch posts of each of --batch-sizes changes (--batch-clients concurrent), sampling the runner's
                     working set (and, here and in quiet, its live heap every 3 s: one full collection of the runner
                     each time), --batch-seconds or --batch-max-changes per size, whichever comes first
          morning    a morning burst as the market makes it: --morning-changes signed single-change posts spread evenly
                     over --morning-seconds (each start jittered by up to half the interval either way, as news arrives),
                     on --morning-tickers tickers of its own followed by --morning-subscribers confirmed subscribers, each
                     following --morning-follows tickers (default 600 in 60 s on 1,000 tickers, 10,000 subscribers
                     following 3 each: 30 followers per ticker, 18,000 alert emails); its subscribers are created and
                     confirmed over HTTP before the warm-up, and that set-up time is reported on its own

        Options:
          --subscriptions M      subscriptions created and confirmed first (default 20; the runner we start allows any
                                 number, an existing one 20 per client per hour unless Alerts__MaxSubscriptionsPerClientPerHour,
                                 and 200 confirmation emails per mail domain per hour unless
                                 Alerts__MaxConfirmationsPerDomainPerHour: addresses are spread over 100 domains,
                                 m0.example.com to m99.example.com)
          --tickers T            tickers the changes are about; subscription j follows ticker j mod T (default 10)
          --rate R[,R...] --rate-seconds S (default 100, 30)
          --warmup-seconds S     single-change posts at 50/s with alerts before the scenarios, not reported (default 20;
                                 a runner just started runs its first seconds of load in unoptimized code; 0: none)
          --clients K --burst-seconds S    (default 8, 20)
          --max-requests N       cap on requests of the rate and burst scenarios (default 100000)
          --batch-sizes a,b,...  (default 1,10,100,1000)   --batch-clients C (default 2)
          --batch-seconds S      (default 15)   --batch-max-changes N (default 20000)
          --baseline-seconds S   per baseline mode, before and after (default 5)
          --morning-changes N --morning-seconds S    (default 600, 60)
          --morning-tickers T --morning-subscribers M --morning-follows F    (default 1000, 10000, 3; subscriber j
                                 follows tickers j*F .. j*F+F-1 mod T, so every ticker has the same number of followers)
          --drain-seconds S      wait at most this long for a scenario's alert emails (default 120)
          --max-total-seconds S  stop everything after this long (default 1800)
          --progress-seconds S   progress line interval (default 2)
          --markdown FILE        also write the result tables as Markdown
          --work-dir DIR         where the run's folder goes (mailbox, runner log, Azurite's data); default /dev/shm
                                 where it is a memory file system, else the temporary folder. On disk, the runner's
                                 speed depends on the file system: ext4 without a journal checks every inode deleted in
                                 the last minutes before it reuses one, so a run right after another run's clean-up
                                 can spend a third of the runner's CPU creating email files (README, Performance)
          --azurite-in-memory    start our Azurite with --inMemoryPersistence: it then never saves its tables (by
                                 default it saves all of them to its folder every few seconds, as the local runner's
                                 Azurite does, which costs more as the run's data grows); the baseline runs on it too
          --keep                 keep the runner's log and mailbox (the run's folder) after the run
          --no-build             do not build the local runner first (use the existing Release build)
          --trace-storage        count the runner's storage requests per scenario by kind (turns on the Azure SDK's
                                 request log in the runner, which slows it: for finding where requests go, not for speed)

        An existing runner instead of our own (loopback only):
          --url http://127.0.0.1:7071   --secret <webhook secret> (default local-development-secret)
          --mailbox <its Email__PickupDirectory>   needed for subscriptions and end-to-end latency
          --storage <its connection string>        needed for the baseline (default UseDevelopmentStorage=true)
          --runner-pid <pid>                       to sample its working set, live heap and CPU
        """;

    public static LoadTestOptions Parse(string[] args)
    {
        var options = new LoadTestOptions();
        for (var i = 0; i < args.Length; i++)
        {
            var name = args[i];
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{name} needs a value.");
            int Int(int min, int max)
            {
                var text = Value();
                return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max
                    ? value
                    : throw new ArgumentException($"{name} must be a whole number from {min} to {max}, not '{text}'.");
            }

            switch (name)
            {
                case "--scenarios":
                    var scenarios = Value().Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(s => s.ToLowerInvariant()).ToList();
                    if (scenarios.Contains("all"))
                    {
                        scenarios = [.. AllScenarios];
                    }

                    if (scenarios.Count == 0 || scenarios.Any(s => !AllScenarios.Contains(s)))
                    {
                        throw new ArgumentException($"--scenarios takes {string.Join(", ", AllScenarios)} or all.");
                    }

                    options.Scenarios = scenarios;
                    break;
                case "--url":
                    options.Url = Loopback(new Uri(Value()), name);
                    break;
                case "--secret":
                    options.Secret = Value();
                    break;
                case "--mailbox":
                    options.Mailbox = Path.GetFullPath(Value());
                    break;
                case "--storage":
                    options.Storage = Value();
                    break;
                case "--runner-pid":
                    options.RunnerPid = Int(1, int.MaxValue);
                    break;
                case "--no-build":
                    options.NoBuild = true;
                    break;
                case "--trace-storage":
                    options.TraceStorage = true;
                    break;
                case "--subscriptions":
                    options.Subscriptions = Int(0, 100_000);
                    break;
                case "--tickers":
                    options.Tickers = Int(1, 1_000);
                    break;
                case "--rate":
                    options.Rates = Value().Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
                        .Select(s => int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var rate) && rate is >= 1 and <= 10_000
                            ? rate
                            : throw new ArgumentException($"--rate: '{s}' is not from 1 to 10000 posts per second."))
                        .ToList();
                    break;
                case "--rate-seconds":
                    options.RateSeconds = Int(1, 3_600);
                    break;
                case "--warmup-seconds":
                    options.WarmupSeconds = Int(0, 600);
                    break;
                case "--clients":
                    options.Clients = Int(1, 512);
                    break;
                case "--burst-seconds":
                    options.BurstSeconds = Int(1, 3_600);
                    break;
                case "--max-requests":
                    options.MaxRequests = Int(1, 10_000_000);
                    break;
                case "--batch-sizes":
                    options.BatchSizes = Value().Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
                        .Select(s => int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var size) && size is >= 1 and <= 1000
                            ? size
                            : throw new ArgumentException($"--batch-sizes: '{s}' is not from 1 to 1000 (the API's limit)."))
                        .ToList();
                    break;
                case "--batch-clients":
                    options.BatchClients = Int(1, 64);
                    break;
                case "--batch-seconds":
                    options.BatchSeconds = Int(1, 3_600);
                    break;
                case "--batch-max-changes":
                    options.BatchMaxChanges = Int(1, 10_000_000);
                    break;
                case "--baseline-seconds":
                    options.BaselineSeconds = Int(1, 600);
                    break;
                case "--morning-changes":
                    options.MorningChanges = Int(1, 100_000);
                    break;
                case "--morning-seconds":
                    options.MorningSeconds = Int(1, 3_600);
                    break;
                case "--morning-tickers":
                    options.MorningTickers = Int(1, 10_000);
                    break;
                case "--morning-subscribers":
                    options.MorningSubscribers = Int(1, 100_000);
                    break;
                case "--morning-follows":
                    options.MorningFollows = Int(1, 100);
                    break;
                case "--drain-seconds":
                    options.DrainSeconds = Int(0, 3_600);
                    break;
                case "--max-total-seconds":
                    options.MaxTotalSeconds = Int(10, 86_400);
                    break;
                case "--progress-seconds":
                    options.ProgressSeconds = Int(1, 600);
                    break;
                case "--markdown":
                    options.MarkdownPath = Path.GetFullPath(Value());
                    break;
                case "--work-dir":
                    options.WorkParent = Path.GetFullPath(Value());
                    break;
                case "--azurite-in-memory":
                    options.AzuriteInMemory = true;
                    break;
                case "--keep":
                    options.KeepFiles = true;
                    break;
                default:
                    throw new ArgumentException($"Unknown option '{name}'. --help lists them.");
            }
        }

        if (options.Subscriptions > 0 && options.Subscriptions < options.Tickers)
        {
            throw new ArgumentException("--subscriptions must be 0 or at least --tickers, so that every ticker has a follower.");
        }

        if (options.MorningFollows > options.MorningTickers)
        {
            throw new ArgumentException("--morning-follows must be at most --morning-tickers.");
        }

        return options;
    }

    /// <summary>Only loopback traffic: a name or address that is not 127.0.0.0/8, ::1 or localhost is refused.</summary>
    public static Uri Loopback(Uri uri, string what)
    {
        if (!uri.IsAbsoluteUri || uri.Scheme is not ("http" or "https"))
        {
            throw new ArgumentException($"{what}: '{uri}' is not an http(s) address.");
        }

        var host = uri.Host.Trim('[', ']');
        var loopback = string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase)
            || (IPAddress.TryParse(host, out var address) && IPAddress.IsLoopback(address));
        return loopback ? uri : throw new ArgumentException($"{what}: '{uri}' is not a loopback address; this tool only talks to this machine.");
    }
}
