using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.RegularExpressions;
using MimeKit;

namespace Alerts.LoadTest;

/// <summary>
/// Watches the runner's pickup directory for <c>.eml</c> files (a <see cref="FileSystemWatcher"/>, and a scan every
/// 250 ms for anything it missed) and hands each new file to <see cref="FileArrived"/> with the moment it was seen.
/// The sender writes a file under a temporary dot-name and renames it, so a file is whole once it has its final name.
/// A file only found by a scan is dated by its last-write time.
/// </summary>
internal sealed partial class Mailbox : IDisposable
{
    private readonly FileSystemWatcher _watcher;
    private readonly ConcurrentDictionary<string, bool> _seen = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _scanner;
    private long _byWatcher;
    private long _byScan;

    public Mailbox(string directory)
    {
        Directory = directory;
        System.IO.Directory.CreateDirectory(directory);

        // Files already there (an existing runner's mailbox) are not ours.
        foreach (var path in System.IO.Directory.EnumerateFiles(directory, "*.eml"))
        {
            _seen[Path.GetFileName(path)] = true;
        }

        _watcher = new FileSystemWatcher(directory) { InternalBufferSize = 64 * 1024, IncludeSubdirectories = false };
        _watcher.Created += (_, e) => Seen(e.Name, Stopwatch.GetTimestamp(), fromWatcher: true);
        _watcher.Renamed += (_, e) => Seen(e.Name, Stopwatch.GetTimestamp(), fromWatcher: true);
        _watcher.EnableRaisingEvents = true;
        _scanner = Task.Run(ScanAsync);
    }

    /// <summary>(file name, full path, Stopwatch timestamp when it appeared).</summary>
    public event Action<string, string, long>? FileArrived;

    public string Directory { get; }

    public long SeenByWatcher => Interlocked.Read(ref _byWatcher);

    public long SeenByScan => Interlocked.Read(ref _byScan);

    /// <summary>The alert id in an alert file's name (<c>{time}-alert-{alert id}.eml</c>), or null.</summary>
    public static string? AlertIdOf(string fileName) =>
        AlertFileName().Match(fileName) is { Success: true } m ? m.Groups[1].Value : null;

    /// <summary>The subscription id in a confirmation file's name (<c>{time}-confirmation-{subscription id}.eml</c>), or null.</summary>
    public static string? ConfirmationOf(string fileName) =>
        ConfirmationFileName().Match(fileName) is { Success: true } m ? m.Groups[1].Value : null;

    /// <summary>The confirmation link in a confirmation email (read with MimeKit, so quoted-printable is undone).</summary>
    public static string? ConfirmLinkIn(string path)
    {
        var message = Load(path);
        if (message is null)
        {
            return null;
        }

        var text = (message.TextBody ?? string.Empty) + "\n" + (message.HtmlBody ?? string.Empty);
        return ConfirmLink().Match(text) is { Success: true } m ? System.Net.WebUtility.HtmlDecode(m.Value) : null;
    }

    /// <summary>The headers of an email: Message-Id and Subject (for matching when the file name says nothing).</summary>
    public static (string? MessageId, string? Subject) HeadersOf(string path)
    {
        var message = Load(path);
        return (message?.MessageId, message?.Subject);
    }

    public void Dispose()
    {
        _stop.Cancel();
        _watcher.Dispose();
        try
        {
            _scanner.Wait(TimeSpan.FromSeconds(2));
        }
        catch (AggregateException)
        {
            // cancelled
        }

        _stop.Dispose();
    }

    private static MimeMessage? Load(string path)
    {
        for (var attempt = 0; attempt < 5; attempt++)
        {
            try
            {
                return MimeMessage.Load(path);
            }
            catch (IOException)
            {
                Thread.Sleep(20);
            }
        }

        return null;
    }

    private void Seen(string? name, long timestamp, bool fromWatcher)
    {
        if (name is null || name.StartsWith('.') || !name.EndsWith(".eml", StringComparison.OrdinalIgnoreCase) || !_seen.TryAdd(name, true))
        {
            return;
        }

        Interlocked.Increment(ref fromWatcher ? ref _byWatcher : ref _byScan);
        FileArrived?.Invoke(name, Path.Combine(Directory, name), timestamp);
    }

    private async Task ScanAsync()
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(250));
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token))
            {
                foreach (var path in System.IO.Directory.EnumerateFiles(Directory, "*.eml"))
                {
                    var name = Path.GetFileName(path);
                    if (_seen.ContainsKey(name))
                    {
                        continue;
                    }

                    Seen(name, Clock.FromUtc(File.GetLastWriteTimeUtc(path)), fromWatcher: false);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // stopped
        }
    }

    [GeneratedRegex(@"-alert-([0-9a-f]{16,64})\.eml$")]
    private static partial Regex AlertFileName();

    [GeneratedRegex(@"-confirmation-([0-9a-f]{32})\.eml$")]
    private static partial Regex ConfirmationFileName();

    [GeneratedRegex(@"https?://[^\s""'<>]+/api/subscriptions/[0-9a-f]{32}/confirm\?token=[^\s""'<>]+")]
    private static partial Regex ConfirmLink();
}

/// <summary>Stopwatch timestamps, and wall-clock times converted to them (one offset taken at start).</summary>
internal static class Clock
{
    private static readonly long StartTimestamp = Stopwatch.GetTimestamp();
    private static readonly DateTime StartUtc = DateTime.UtcNow;

    public static long Now => Stopwatch.GetTimestamp();

    public static long FromUtc(DateTime utc) =>
        StartTimestamp + (long)((utc - StartUtc).TotalSeconds * Stopwatch.Frequency);

    public static double Ms(long from, long to) => (to - from) * 1000.0 / Stopwatch.Frequency;

    public static double Seconds(long from, long to) => (to - from) / (double)Stopwatch.Frequency;
}
