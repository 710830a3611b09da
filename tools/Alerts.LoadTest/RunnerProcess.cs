using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Alerts.LoadTest;

/// <summary>
/// The local runner as its own process (<c>dotnet src/Alerts.LocalRunner/bin/Release/net10.0/Alerts.LocalRunner.dll</c>)
/// on a free loopback port, against a given storage account, with a temporary mailbox and data folder. Its output goes
/// to a log file; the lines that say how many alerts each post matched and how many emails were sent are counted.
/// </summary>
internal sealed partial class RunnerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StreamWriter _log;
    private long _alertsMatched;
    private long _emailsSent;
    private long _warnings;
    private long _slowResponses;
    private long _outboxEntries;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, long> _storageRequests = new(StringComparer.Ordinal);

    private RunnerProcess(Process process, Uri baseUrl, string mailbox, string logPath, StreamWriter log)
    {
        _process = process;
        BaseUrl = baseUrl;
        Mailbox = mailbox;
        LogPath = logPath;
        _log = log;
    }

    public Uri BaseUrl { get; }

    public string Mailbox { get; }

    public string LogPath { get; }

    public int ProcessId => _process.Id;

    /// <summary>Started with the Azure SDK's request log on (--trace-storage): storage requests and slow responses are counted.</summary>
    public bool TracesStorage { get; private init; }

    /// <summary>Sum of "N alerts matched" over the runner's "Fanned out ..." lines (the fan-out step) so far.</summary>
    public long AlertsMatched => Interlocked.Read(ref _alertsMatched);

    /// <summary>Sum of "N sent" over the runner's "Emails: ..." lines so far.</summary>
    public long EmailsSent => Interlocked.Read(ref _emailsSent);

    /// <summary>Storage responses the Azure SDK logged as slow ("Response [...] took 3.7s", over its 3 s threshold).</summary>
    public long SlowStorageResponses => Interlocked.Read(ref _slowResponses);

    /// <summary>Pending changes the sweep fanned out (left by a lost fan-out message: a crash between the store and the enqueue).</summary>
    public long OutboxEntriesRedriven => Interlocked.Read(ref _outboxEntries);

    /// <summary>
    /// With <c>traceStorage</c>: every storage request the runner made so far, by method and resource ("POST $batch",
    /// "GET SubscriberIndex()", "POST alerts/messages", ...), read from the Azure SDK's request log lines.
    /// </summary>
    public IReadOnlyDictionary<string, long> StorageRequests => new Dictionary<string, long>(_storageRequests, StringComparer.Ordinal);

    /// <summary>Lines logged at warning level or above ("warn:", "fail:", "crit:").</summary>
    public long Warnings => Interlocked.Read(ref _warnings);

    public static string RunnerAssembly(string repoRoot) =>
        Path.Combine(repoRoot, "src", "Alerts.LocalRunner", "bin", "Release", "net10.0", "Alerts.LocalRunner.dll");

    public static async Task BuildAsync(string repoRoot, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = repoRoot, UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { "build", Path.Combine("src", "Alerts.LocalRunner", "Alerts.LocalRunner.csproj"), "-c", "Release", "--nologo", "-v", "quiet" })
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start 'dotnet build'.");
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"Building the local runner failed ({process.ExitCode}):\n{await output}\n{await error}");
        }
    }

    public static async Task<RunnerProcess> StartAsync(string repoRoot, string storageConnectionString, string webhookSecret, string workDirectory, bool traceStorage, CancellationToken cancellationToken)
    {
        var assembly = RunnerAssembly(repoRoot);
        if (!File.Exists(assembly))
        {
            throw new FileNotFoundException("The local runner is not built in Release; run without --no-build.", assembly);
        }

        var port = Alerts.Testing.FreePorts.GetOne();
        var baseUrl = new Uri($"http://127.0.0.1:{port}");
        var mailbox = Path.Combine(workDirectory, "mailbox");
        var data = Path.Combine(workDirectory, "data");
        Directory.CreateDirectory(mailbox);
        Directory.CreateDirectory(data);
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(assembly);
        start.Environment["urls"] = baseUrl.ToString().TrimEnd('/');
        start.Environment["Storage__ConnectionString"] = storageConnectionString;
        start.Environment["Webhook__Secrets"] = webhookSecret;
        start.Environment["Email__PickupDirectory"] = mailbox;
        start.Environment["LocalRunner__DataDirectory"] = data;

        // One client (this tool, 127.0.0.1) creates every subscription.
        start.Environment["Alerts__MaxSubscriptionsPerClientPerHour"] = "100000";

        // ... to addresses in 100 mail domains (100,000 morning subscribers are 1,000 confirmation emails a domain).
        start.Environment["Alerts__MaxConfirmationsPerDomainPerHour"] = "1000000";
        if (traceStorage)
        {
            // The Azure SDK logs every request ("Request [id] POST http://.../$batch"): counted, to show where the requests go.
            start.Environment["Logging__LogLevel__Azure.Core"] = "Information";
        }

        var logPath = Path.Combine(workDirectory, "runner.log");
        var log = new StreamWriter(logPath) { AutoFlush = false };
        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start the local runner.");
        var runner = new RunnerProcess(process, baseUrl, mailbox, logPath, log) { TracesStorage = traceStorage };
        process.OutputDataReceived += (_, e) => runner.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => runner.OnLine(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var stopwatch = Stopwatch.StartNew();
        while (true)
        {
            if (process.HasExited)
            {
                await runner.DisposeAsync();
                throw new InvalidOperationException($"The local runner exited with {process.ExitCode}; its log: {logPath}");
            }

            try
            {
                if ((await http.GetAsync(new Uri(baseUrl, "/api/health"), cancellationToken)).IsSuccessStatusCode)
                {
                    return runner;
                }
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // slow first answer
            }

            if (stopwatch.Elapsed > TimeSpan.FromSeconds(90))
            {
                await runner.DisposeAsync();
                throw new TimeoutException($"The local runner did not answer on {baseUrl} within 90 s; its log: {logPath}");
            }

            await Task.Delay(200, cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
        }
        catch (InvalidOperationException)
        {
            // already gone
        }

        _process.Dispose();
        lock (_log)
        {
            _log.Flush();
            _log.Dispose();
        }
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }

        if (FannedOutLine().Match(line) is { Success: true } fannedOut)
        {
            Interlocked.Add(ref _alertsMatched, long.Parse(fannedOut.Groups[1].ValueSpan, provider: System.Globalization.CultureInfo.InvariantCulture));
        }
        else if (EmailsLine().Match(line) is { Success: true } emails)
        {
            Interlocked.Add(ref _emailsSent, long.Parse(emails.Groups[1].ValueSpan, provider: System.Globalization.CultureInfo.InvariantCulture));
        }

        else if (RequestLine().Match(line) is { Success: true } request)
        {
            _storageRequests.AddOrUpdate(request.Groups[1].Value + " " + Resource(request.Groups[2].Value), 1, (_, n) => n + 1);
        }
        else if (SlowResponseLine().IsMatch(line))
        {
            Interlocked.Increment(ref _slowResponses);
        }
        else if (OutboxLine().Match(line) is { Success: true } outbox)
        {
            Interlocked.Add(ref _outboxEntries, long.Parse(outbox.Groups[1].ValueSpan, provider: System.Globalization.CultureInfo.InvariantCulture));
        }

        if (line.Contains("warn:", StringComparison.Ordinal) || line.Contains("fail:", StringComparison.Ordinal) || line.Contains("crit:", StringComparison.Ordinal))
        {
            Interlocked.Increment(ref _warnings);
        }

        lock (_log)
        {
            try
            {
                _log.WriteLine(line);
            }
            catch (ObjectDisposedException)
            {
                // the runner is being stopped
            }
        }
    }

    /// <summary>"http://127.0.0.1:1234/devstoreaccount1/RatingChanges(PartitionKey='X',RowKey='Y')?..." is "RatingChanges(key)".</summary>
    private static string Resource(string uri)
    {
        var path = uri.Split('?', 2)[0];
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var index = Array.FindIndex(segments, s => s.StartsWith("devstoreaccount", StringComparison.Ordinal));
        var rest = index >= 0 ? segments.Skip(index + 1).ToArray() : segments.Skip(2).ToArray();
        if (rest.Length == 0)
        {
            return "(account)";
        }

        var first = Uri.UnescapeDataString(rest[0]);
        var paren = first.IndexOf('(', StringComparison.Ordinal);
        if (paren >= 0)
        {
            return first[..paren] + (first.Length > paren + 2 ? "(key)" : "()");
        }

        return rest.Length switch
        {
            1 => first,
            2 => first + "/" + rest[1],
            _ => first + "/" + rest[1] + "/{id}",
        };
    }

    [GeneratedRegex(@"Azure\.Core\[\d+\] Request \[[^\]]*\] ([A-Z]+) (\S+)")]
    private static partial Regex RequestLine();

    [GeneratedRegex(@"Fanned out \d+ changes: (\d+) alerts matched")]
    private static partial Regex FannedOutLine();

    [GeneratedRegex(@"Emails: (\d+) sent")]
    private static partial Regex EmailsLine();

    [GeneratedRegex(@"Azure\.Core\[\d+\] Response \[[^\]]*\] took ")]
    private static partial Regex SlowResponseLine();

    [GeneratedRegex(@"Sweep: \d+ tickers looked at, (\d+) pending changes fanned out")]
    private static partial Regex OutboxLine();
}
