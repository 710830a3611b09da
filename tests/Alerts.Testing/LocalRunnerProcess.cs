using System.Diagnostics;
using System.Text;
namespace Alerts.Testing;

/// <summary>
/// The local runner started as a user starts it (its own process), on a free port, against a given storage account.
/// The test project that uses it references <c>src/Alerts.LocalRunner</c> (with <c>ReferenceOutputAssembly="false"</c>),
/// so that the runner is built next to it. Dispose to kill it and every process it started.
/// </summary>
public sealed class LocalRunnerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private LocalRunnerProcess(Process process, string baseUrl, string mailbox)
    {
        _process = process;
        BaseUrl = baseUrl;
        Mailbox = mailbox;
    }

    public string BaseUrl { get; }

    public string Mailbox { get; }

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public static Task<LocalRunnerProcess> StartAsync(string storageConnectionString, string webhookSecret, string workDirectory) =>
        StartAsync(storageConnectionString, webhookSecret, workDirectory, FreePorts.GetOne(), settings: null);

    /// <summary>Starts the runner on <paramref name="port"/> with extra environment <paramref name="settings"/>; the same arguments start it again after a kill.</summary>
    public static async Task<LocalRunnerProcess> StartAsync(string storageConnectionString, string webhookSecret, string workDirectory, int port, IReadOnlyDictionary<string, string>? settings)
    {
        var baseUrl = $"http://127.0.0.1:{port}";
        var mailbox = Path.Combine(workDirectory, "mailbox");
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(RunnerAssembly());
        start.Environment["urls"] = baseUrl;
        start.Environment["Storage__ConnectionString"] = storageConnectionString;
        start.Environment["Webhook__Secrets"] = webhookSecret;
        start.Environment["Email__PickupDirectory"] = mailbox;
        start.Environment["LocalRunner__DataDirectory"] = Path.Combine(workDirectory, ".alerts");
        foreach (var (name, value) in settings ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start the local runner.");
        var runner = new LocalRunnerProcess(process, baseUrl, mailbox);
        process.OutputDataReceived += (_, e) => runner.Append(e.Data);
        process.ErrorDataReceived += (_, e) => runner.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var http = new HttpClient();
        await Eventually.UntilAsync(
            async () =>
            {
                if (process.HasExited)
                {
                    return true; // stop waiting: said below
                }

                try
                {
                    return (await http.GetAsync($"{baseUrl}/api/ratings?ticker=PING")).IsSuccessStatusCode;
                }
                catch (HttpRequestException)
                {
                    return false;
                }
            },
            TimeSpan.FromSeconds(60),
            "the local runner answers on " + baseUrl);
        if (process.HasExited)
        {
            await process.WaitForExitAsync(); // and for the last of its output
            throw new InvalidOperationException($"The local runner exited with {process.ExitCode}:\n{runner.Output}");
        }

        return runner;
    }

    /// <summary>kill -9: no shutdown, no flushing, no goodbye.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    /// <summary>The runner built next to this test project: src/Alerts.LocalRunner/bin/{Debug|Release}/net10.0/.</summary>
    private static string RunnerAssembly()
    {
        var testDirectory = new DirectoryInfo(AppContext.BaseDirectory);
        var configuration = testDirectory.Parent!.Name;
        var path = Path.Combine(RepoRoot.Path, "src", "Alerts.LocalRunner", "bin", configuration, testDirectory.Name, "Alerts.LocalRunner.dll");
        return File.Exists(path) ? path : throw new FileNotFoundException("Build the local runner first.", path);
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }
}
