using System.Collections.Concurrent;
using System.ComponentModel;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;

namespace Alerts.Testing;

/// <summary>
/// A real Azurite (Azure Storage emulator, npm package <c>azurite</c> from the repository's package.json) running as a child
/// <c>node</c> process on three free ports of 127.0.0.1, with a fresh temporary data folder.
/// Start with <see cref="StartAsync"/>; dispose to kill it and delete the data folder.
/// </summary>
public sealed class AzuriteServer : IAsyncDisposable
{
    /// <summary>The well-known Azurite development account name.</summary>
    public const string AccountName = "devstoreaccount1";

    /// <summary>The well-known Azurite development account key (public, not a secret).</summary>
    public const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    /// <summary>How long to wait for all three ports to accept connections.</summary>
    public static readonly TimeSpan StartupTimeout = TimeSpan.FromSeconds(60);

    private static readonly TimeSpan NpmInstallTimeout = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan GracefulStopTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan KillWaitTimeout = TimeSpan.FromSeconds(15);
    private const int StartAttempts = 3;
    private const int SigTerm = 15; // same value on Linux and macOS
    private const string OwnerPidFile = "owner.pid";

    private static readonly SemaphoreSlim InstallGate = new(1, 1);
    private static readonly ConcurrentDictionary<AzuriteServer, byte> Live = new();

    // Loaded with `node --require`: ends Azurite if the test process dies without disposing it (crash, killed test host),
    // so no orphaned node process keeps the ports. Does not keep the event loop alive (unref).
    private const string WatchdogScript = """
        'use strict';
        const parentPid = Number(process.env.ALERTS_TESTING_PARENT_PID);
        if (parentPid > 0) {
          const timer = setInterval(() => {
            try { process.kill(parentPid, 0); }
            catch (e) { if (e && e.code === 'ESRCH') { process.exit(0); } }
          }, 1000);
          timer.unref();
        }
        """;

    private readonly SemaphoreSlim _lifecycle = new(1, 1);
    private readonly string _rootDirectory;
    private readonly string _watchdogPath;
    private Process? _process;
    private OutputLog _output = new();
    private bool _disposed;

    static AzuriteServer()
    {
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            // Test host exiting without disposing: end the node processes and remove their temp folders.
            foreach (var server in Live.Keys)
            {
                server.KillNoThrow();
                try
                {
                    server._process?.WaitForExit(2000);
                    Directory.Delete(server._rootDirectory, recursive: true);
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidOperationException)
                {
                    // best effort; swept by a later StartAsync
                }
            }
        };
    }

    private AzuriteServer(string rootDirectory, int blobPort, int queuePort, int tablePort)
    {
        _rootDirectory = rootDirectory;
        _watchdogPath = Path.Combine(rootDirectory, "watchdog.js");
        DataDirectory = Path.Combine(rootDirectory, "data");
        BlobPort = blobPort;
        QueuePort = queuePort;
        TablePort = tablePort;
        BlobEndpoint = $"http://127.0.0.1:{blobPort}/{AccountName}";
        QueueEndpoint = $"http://127.0.0.1:{queuePort}/{AccountName}";
        TableEndpoint = $"http://127.0.0.1:{tablePort}/{AccountName}";
        ConnectionString =
            $"DefaultEndpointsProtocol=http;AccountName={AccountName};AccountKey={AccountKey};" +
            $"BlobEndpoint={BlobEndpoint};QueueEndpoint={QueueEndpoint};TableEndpoint={TableEndpoint};";
    }

    /// <summary>The repository root (folder with package.json and Alerts.sln above the test binaries). Same as <see cref="Testing.RepoRoot.Path"/>.</summary>
    public static string RepoRoot => Testing.RepoRoot.Path;

    /// <summary>Storage connection string for this instance (account devstoreaccount1, http, explicit 127.0.0.1 endpoints).</summary>
    public string ConnectionString { get; }

    public int BlobPort { get; }

    public int QueuePort { get; }

    public int TablePort { get; }

    /// <summary>e.g. http://127.0.0.1:PORT/devstoreaccount1</summary>
    public string BlobEndpoint { get; }

    /// <summary>e.g. http://127.0.0.1:PORT/devstoreaccount1</summary>
    public string QueueEndpoint { get; }

    /// <summary>e.g. http://127.0.0.1:PORT/devstoreaccount1</summary>
    public string TableEndpoint { get; }

    /// <summary>Azurite's --location folder (inside a fresh temp folder that is deleted on dispose).</summary>
    public string DataDirectory { get; }

    /// <summary>Whether Azurite keeps its data in memory only (<c>--inMemoryPersistence</c>), not in <see cref="DataDirectory"/>.</summary>
    public bool InMemoryPersistence { get; private init; }

    /// <summary>True while the Azurite process is running (between start and <see cref="StopAsync"/>/dispose).</summary>
    public bool IsRunning => _process is { HasExited: false };

    /// <summary>The node process id, or null when stopped.</summary>
    public int? ProcessId => _process is { HasExited: false } p ? p.Id : null;

    /// <summary>Recent stdout/stderr lines of the current (or last) Azurite process, for diagnostics.</summary>
    public string Output => _output.ToString();

    /// <summary>
    /// Starts Azurite on three free ports with a fresh data folder. Runs <c>npm ci</c> in the repository root first if
    /// node_modules/azurite is missing (serialized across processes by a lock file in .alerts/). Retries with new ports if
    /// the process dies during startup (e.g. a port was taken in the meantime). Throws <see cref="TimeoutException"/>
    /// (including Azurite's output) if the ports do not accept connections within 60 s.
    /// </summary>
    public static Task<AzuriteServer> StartAsync(CancellationToken cancellationToken = default) =>
        StartAsync(Path.GetTempPath(), inMemoryPersistence: false, cancellationToken);

    /// <summary>
    /// As <see cref="StartAsync(CancellationToken)"/>, with the data folder under <paramref name="parentDirectory"/>; with
    /// <paramref name="inMemoryPersistence"/>, Azurite keeps its data in memory only (<c>--inMemoryPersistence</c>: no
    /// periodic save of its tables, and nothing survives <see cref="StopAsync"/>).
    /// </summary>
    public static async Task<AzuriteServer> StartAsync(string parentDirectory, bool inMemoryPersistence = false, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(parentDirectory);
        var repoRoot = Testing.RepoRoot.Path;
        await EnsureAzuriteInstalledAsync(repoRoot, cancellationToken).ConfigureAwait(false);

        var tempParent = Path.Combine(parentDirectory, "alerts-azurite");
        SweepStaleTempFolders(tempParent);

        Exception? lastError = null;
        for (var attempt = 1; attempt <= StartAttempts; attempt++)
        {
            var ports = FreePorts.Get(3);
            var root = Path.Combine(tempParent, Guid.NewGuid().ToString("N"));
            var server = new AzuriteServer(root, ports[0], ports[1], ports[2]) { InMemoryPersistence = inMemoryPersistence };
            try
            {
                Directory.CreateDirectory(server.DataDirectory);
                await File.WriteAllTextAsync(Path.Combine(root, OwnerPidFile), Invariant(Environment.ProcessId), cancellationToken).ConfigureAwait(false);
                await File.WriteAllTextAsync(server._watchdogPath, WatchdogScript, cancellationToken).ConfigureAwait(false);
                await server.StartProcessAsync(cancellationToken).ConfigureAwait(false);
                return server;
            }
            catch (AzuriteExitedException ex) when (attempt < StartAttempts)
            {
                lastError = ex;
                await server.DisposeAsync().ConfigureAwait(false);
            }
            catch
            {
                await server.DisposeAsync().ConfigureAwait(false);
                throw;
            }
        }

        throw new InvalidOperationException("Azurite could not be started.", lastError);
    }

    /// <summary>
    /// Stops Azurite so that its ports refuse connections (simulates a storage outage) and waits until the process has exited.
    /// With <paramref name="graceful"/> (default) on Linux/macOS it first sends SIGTERM so Azurite flushes its metadata
    /// (Azurite only autosaves every 5 s), then kills the process tree if it has not exited within 10 s; on Windows, or with
    /// <paramref name="graceful"/> false, it kills the process tree at once (writes of the last ~5 s may then be lost on restart).
    /// No-op if already stopped.
    /// </summary>
    public async Task StopAsync(bool graceful = true, CancellationToken cancellationToken = default)
    {
        await _lifecycle.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            await StopProcessAsync(graceful, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _lifecycle.Release();
        }
    }

    /// <summary>
    /// Starts Azurite again on the same ports and the same data folder after <see cref="StopAsync"/>.
    /// No-op if it is running. Throws if a port was taken by someone else in the meantime.
    /// </summary>
    public async Task StartAgainAsync(CancellationToken cancellationToken = default)
    {
        await _lifecycle.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (IsRunning)
            {
                return;
            }

            await StartProcessAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _lifecycle.Release();
        }
    }

    /// <summary>Kills the Azurite process tree, waits for it to exit and deletes the temp folder. Idempotent.</summary>
    public async ValueTask DisposeAsync()
    {
        await _lifecycle.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            await StopProcessAsync(graceful: false, CancellationToken.None).ConfigureAwait(false);
            Live.TryRemove(this, out _);
            await DeleteDirectoryAsync(_rootDirectory).ConfigureAwait(false);
        }
        finally
        {
            _lifecycle.Release();
        }
    }

    public override string ToString() =>
        $"Azurite blob={BlobPort} queue={QueuePort} table={TablePort} ({(IsRunning ? "running" : "stopped")})";

    private async Task StartProcessAsync(CancellationToken cancellationToken)
    {
        var repoRoot = Testing.RepoRoot.Path;
        var startInfo = new ProcessStartInfo("node")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            CreateNoWindow = true,
            WorkingDirectory = repoRoot,
        };
        startInfo.Environment["ALERTS_TESTING_PARENT_PID"] = Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        string[] persistence = InMemoryPersistence ? ["--inMemoryPersistence"] : ["--location", DataDirectory];
        foreach (var argument in new[]
                 {
                     "--require", _watchdogPath,
                     AzuriteScriptPath(repoRoot),
                     "--silent",
                 }.Concat(persistence).Concat(
                 [
                     "--blobHost", "127.0.0.1",
                     "--queueHost", "127.0.0.1",
                     "--tableHost", "127.0.0.1",
                     "--blobPort", Invariant(BlobPort),
                     "--queuePort", Invariant(QueuePort),
                     "--tablePort", Invariant(TablePort),
                     "--skipApiVersionCheck",
                     "--disableProductStyleUrl",
                     "--disableTelemetry",
                 ]))
        {
            startInfo.ArgumentList.Add(argument);
        }

        var output = new OutputLog();
        var process = new Process { StartInfo = startInfo, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) => output.Add("out", e.Data);
        process.ErrorDataReceived += (_, e) => output.Add("err", e.Data);
        try
        {
            process.Start();
        }
        catch (Win32Exception ex)
        {
            process.Dispose();
            throw new InvalidOperationException("Could not start 'node' for Azurite. Is Node.js installed and on PATH?", ex);
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;
        _output = output;
        Live.TryAdd(this, 0);

        var stopwatch = Stopwatch.StartNew();
        TimeSpan? allAcceptingSince = null;
        while (true)
        {
            if (process.HasExited)
            {
                await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false); // flush output events
                var exitCode = SafeExitCode(process);
                _process = null;
                process.Dispose();
                throw new AzuriteExitedException(
                    $"Azurite (blob {BlobPort}, queue {QueuePort}, table {TablePort}) exited with code {exitCode} during startup.{Environment.NewLine}{output}");
            }

            if (cancellationToken.IsCancellationRequested)
            {
                await StopProcessAsync(graceful: false, CancellationToken.None).ConfigureAwait(false);
                cancellationToken.ThrowIfCancellationRequested();
            }

            if (await AcceptsConnectionsAsync(BlobPort).ConfigureAwait(false) &&
                await AcceptsConnectionsAsync(QueuePort).ConfigureAwait(false) &&
                await AcceptsConnectionsAsync(TablePort).ConfigureAwait(false))
            {
                allAcceptingSince ??= stopwatch.Elapsed;

                // A port can also "accept" because someone else grabbed it (Azurite then exits with EADDRINUSE), so also wait
                // for Azurite's own "successfully listening" lines (printed even with --silent), or, should a future version
                // word them differently, for the ports to have been accepting for a while with the process still alive.
                if (!process.HasExited &&
                    (output.ListeningServices >= 3 || stopwatch.Elapsed - allAcceptingSince.Value > TimeSpan.FromSeconds(2)))
                {
                    return;
                }
            }
            else
            {
                allAcceptingSince = null;
            }

            if (stopwatch.Elapsed > StartupTimeout)
            {
                await StopProcessAsync(graceful: false, CancellationToken.None).ConfigureAwait(false);
                throw new TimeoutException(
                    $"Azurite did not accept connections on 127.0.0.1 ports blob {BlobPort}, queue {QueuePort}, table {TablePort} " +
                    $"within {StartupTimeout.TotalSeconds:0} s.{Environment.NewLine}{output}");
            }

            await Task.Delay(100, CancellationToken.None).ConfigureAwait(false);
        }
    }

    private async Task StopProcessAsync(bool graceful, CancellationToken cancellationToken)
    {
        var process = _process;
        if (process is null)
        {
            return;
        }

        try
        {
            if (!process.HasExited && graceful && !OperatingSystem.IsWindows())
            {
                if (SysKill(process.Id, SigTerm) == 0)
                {
                    using var gracefulTimeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                    gracefulTimeout.CancelAfter(GracefulStopTimeout);
                    try
                    {
                        await process.WaitForExitAsync(gracefulTimeout.Token).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                    {
                        // did not exit in time: kill below
                    }
                }
            }

            KillNoThrow(process);
            using var killTimeout = new CancellationTokenSource(KillWaitTimeout);
            try
            {
                await process.WaitForExitAsync(killTimeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                throw new InvalidOperationException($"Azurite process {SafeId(process)} did not exit within {KillWaitTimeout.TotalSeconds:0} s after being killed.");
            }
        }
        finally
        {
            if (process.HasExited)
            {
                _process = null;
                process.Dispose();
            }
        }
    }

    private void KillNoThrow()
    {
        if (_process is { } process)
        {
            KillNoThrow(process);
        }
    }

    private static void KillNoThrow(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
            // already exited
        }
        catch (Win32Exception)
        {
            // exiting / access race
        }
    }

    private static async Task<bool> AcceptsConnectionsAsync(int port)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(1));
        try
        {
            await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), timeout.Token).ConfigureAwait(false);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>
    /// Best effort: deletes temp folders left behind by test processes that died without disposing their server
    /// (their node process has already been ended by the watchdog). Folders of live processes are left alone.
    /// </summary>
    private static void SweepStaleTempFolders(string tempParent)
    {
        try
        {
            if (!Directory.Exists(tempParent))
            {
                return;
            }

            foreach (var directory in Directory.EnumerateDirectories(tempParent))
            {
                var pidFile = Path.Combine(directory, OwnerPidFile);
                if (!File.Exists(pidFile) ||
                    !int.TryParse(File.ReadAllText(pidFile), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var ownerPid) ||
                    IsProcessAlive(ownerPid))
                {
                    continue;
                }

                try
                {
                    Directory.Delete(directory, recursive: true);
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    // still in use or already gone
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // best effort only
        }
    }

    private static bool IsProcessAlive(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false; // no such process
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    private static string AzuriteScriptPath(string repoRoot) =>
        Path.Combine(repoRoot, "node_modules", "azurite", "dist", "src", "azurite.js");

    private static async Task EnsureAzuriteInstalledAsync(string repoRoot, CancellationToken cancellationToken)
    {
        var script = AzuriteScriptPath(repoRoot);
        if (File.Exists(script))
        {
            return;
        }

        await InstallGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (File.Exists(script))
            {
                return;
            }

            var lockDirectory = Path.Combine(repoRoot, ".alerts");
            Directory.CreateDirectory(lockDirectory);
            await using var fileLock = await AcquireFileLockAsync(Path.Combine(lockDirectory, "npm-ci.lock"), NpmInstallTimeout, cancellationToken).ConfigureAwait(false);

            if (File.Exists(script))
            {
                return; // another test process installed it while we waited
            }

            await RunNpmCiAsync(repoRoot, cancellationToken).ConfigureAwait(false);

            if (!File.Exists(script))
            {
                throw new FileNotFoundException($"'npm ci' in '{repoRoot}' succeeded but '{script}' is still missing. Is 'azurite' a devDependency in package.json?", script);
            }
        }
        finally
        {
            InstallGate.Release();
        }
    }

    private static async Task<FileStream> AcquireFileLockAsync(string path, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var stopwatch = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.None);
            }
            catch (IOException) when (stopwatch.Elapsed < timeout)
            {
                await Task.Delay(250, cancellationToken).ConfigureAwait(false);
            }
            catch (UnauthorizedAccessException) when (stopwatch.Elapsed < timeout)
            {
                await Task.Delay(250, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private static async Task RunNpmCiAsync(string repoRoot, CancellationToken cancellationToken)
    {
        var startInfo = OperatingSystem.IsWindows()
            ? new ProcessStartInfo("cmd.exe") { ArgumentList = { "/d", "/s", "/c", "npm ci" } }
            : new ProcessStartInfo("npm") { ArgumentList = { "ci" } };
        startInfo.UseShellExecute = false;
        startInfo.RedirectStandardOutput = true;
        startInfo.RedirectStandardError = true;
        startInfo.CreateNoWindow = true;
        startInfo.WorkingDirectory = repoRoot;

        var output = new OutputLog();
        using var process = new Process { StartInfo = startInfo };
        process.OutputDataReceived += (_, e) => output.Add("out", e.Data);
        process.ErrorDataReceived += (_, e) => output.Add("err", e.Data);
        try
        {
            process.Start();
        }
        catch (Win32Exception ex)
        {
            throw new InvalidOperationException($"node_modules/azurite is missing in '{repoRoot}' and 'npm' could not be started to install it. Is Node.js installed and on PATH?", ex);
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(NpmInstallTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            KillNoThrow(process);
            cancellationToken.ThrowIfCancellationRequested();
            throw new TimeoutException($"'npm ci' in '{repoRoot}' did not finish within {NpmInstallTimeout.TotalMinutes:0} min.{Environment.NewLine}{output}");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"'npm ci' in '{repoRoot}' failed with exit code {process.ExitCode}.{Environment.NewLine}{output}");
        }
    }

    private static async Task DeleteDirectoryAsync(string path)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                if (Directory.Exists(path))
                {
                    Directory.Delete(path, recursive: true);
                }

                return;
            }
            catch (Exception ex) when ((ex is IOException or UnauthorizedAccessException) && attempt < 10)
            {
                await Task.Delay(200).ConfigureAwait(false); // Windows: files may stay locked briefly after the process exits
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                return; // best effort: a leftover temp folder must not fail the test run
            }
        }
    }

    private static string Invariant(int value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static string SafeExitCode(Process process)
    {
        try
        {
            return Invariant(process.ExitCode);
        }
        catch (InvalidOperationException)
        {
            return "?";
        }
    }

    private static string SafeId(Process process)
    {
        try
        {
            return Invariant(process.Id);
        }
        catch (InvalidOperationException)
        {
            return "?";
        }
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SysKill(int pid, int signal);

    private sealed class AzuriteExitedException(string message) : InvalidOperationException(message);

    /// <summary>Keeps the last lines a child process wrote, thread-safe.</summary>
    private sealed class OutputLog
    {
        private const int MaxLines = 200;
        private readonly Queue<string> _lines = new();
        private int _listeningServices;

        /// <summary>How many "Azurite ... service is successfully listening" lines were seen.</summary>
        public int ListeningServices => Volatile.Read(ref _listeningServices);

        public void Add(string stream, string? line)
        {
            if (line is null)
            {
                return;
            }

            if (line.Contains("service is successfully listening", StringComparison.OrdinalIgnoreCase))
            {
                Interlocked.Increment(ref _listeningServices);
            }

            lock (_lines)
            {
                _lines.Enqueue($"[{stream}] {line}");
                while (_lines.Count > MaxLines)
                {
                    _lines.Dequeue();
                }
            }
        }

        public override string ToString()
        {
            lock (_lines)
            {
                if (_lines.Count == 0)
                {
                    return "(no output)";
                }

                var builder = new StringBuilder("Process output:").AppendLine();
                foreach (var line in _lines)
                {
                    builder.AppendLine(line);
                }

                return builder.ToString();
            }
        }
    }
}
