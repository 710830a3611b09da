using System.Diagnostics;
using System.Net.Sockets;

namespace Alerts.LocalRunner;

/// <summary>
/// Makes sure Azurite answers on 127.0.0.1:10000-10002 when the runner uses development storage. If none answers,
/// it starts the one in <c>node_modules</c> (running <c>npm ci</c> first when it is missing), with its data under
/// the runner's data folder, and stops it when the runner stops.
/// </summary>
internal sealed class LocalAzurite : IAsyncDisposable
{
    private static readonly int[] Ports = [10000, 10001, 10002];

    private readonly Process? _process;

    private LocalAzurite(Process? process) => _process = process;

    public static async Task<LocalAzurite> StartIfNeededAsync(IConfiguration configuration, LocalEnvironment local, TextWriter output)
    {
        var connectionString = configuration["Storage:ConnectionString"];
        var usesDevelopmentStorage = string.IsNullOrWhiteSpace(connectionString)
            || connectionString.Contains("UseDevelopmentStorage=true", StringComparison.OrdinalIgnoreCase);
        if (!usesDevelopmentStorage || await AllPortsAnswerAsync())
        {
            return new LocalAzurite(null);
        }

        var root = FindToolsRoot() ?? throw new InvalidOperationException(
            "Azurite is not running on 127.0.0.1:10000-10002 and no package.json with it was found above the working directory. Start Azurite yourself or run from the repository.");
        var script = Path.Combine(root, "node_modules", "azurite", "dist", "src", "azurite.js");
        if (!File.Exists(script))
        {
            output.WriteLine("Installing the development tools (npm ci) ...");
            await RunAsync("npm", "ci --no-audit --no-fund", root);
        }

        var location = Path.Combine(local.DataDirectory, "azurite");
        Directory.CreateDirectory(location);
        var start = new ProcessStartInfo("node")
        {
            WorkingDirectory = root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
        {
            script, "--silent", "--location", location, "--skipApiVersionCheck",
            "--blobHost", "127.0.0.1", "--queueHost", "127.0.0.1", "--tableHost", "127.0.0.1",
        })
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start node for Azurite.");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, e) =>
        {
            if (!string.IsNullOrWhiteSpace(e.Data))
            {
                output.WriteLine($"azurite: {e.Data}");
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!await AllPortsAnswerAsync())
        {
            if (process.HasExited || DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException($"Azurite did not start (exit code {(process.HasExited ? process.ExitCode : "none")}); are ports 10000-10002 taken?");
            }

            await Task.Delay(200);
        }

        output.WriteLine($"Started Azurite (pid {process.Id}), data in {location}");
        return new LocalAzurite(process);
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process?.Dispose();
    }

    private static async Task<bool> AllPortsAnswerAsync()
    {
        foreach (var port in Ports)
        {
            using var client = new TcpClient();
            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromMilliseconds(500));
                await client.ConnectAsync("127.0.0.1", port, timeout.Token);
            }
            catch (Exception ex) when (ex is SocketException or OperationCanceledException)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The nearest folder above the working directory (or this program) whose package.json names azurite.</summary>
    private static string? FindToolsRoot()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var packageJson = Path.Combine(dir.FullName, "package.json");
                if (File.Exists(packageJson) && File.ReadAllText(packageJson).Contains("\"azurite\"", StringComparison.Ordinal))
                {
                    return dir.FullName;
                }
            }
        }

        return null;
    }

    private static async Task RunAsync(string fileName, string arguments, string workingDirectory)
    {
        using var process = Process.Start(new ProcessStartInfo(fileName, arguments) { WorkingDirectory = workingDirectory, UseShellExecute = false })
            ?? throw new InvalidOperationException($"Could not start {fileName}.");
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"'{fileName} {arguments}' failed with exit code {process.ExitCode}.");
        }
    }
}
