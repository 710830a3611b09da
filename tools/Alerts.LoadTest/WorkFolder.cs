namespace Alerts.LoadTest;

/// <summary>
/// Where a run keeps its files: the runner's mailbox (an .eml file per alert email), its log and Azurite's data. The
/// mailbox stands in for SendGrid, and creating tens of thousands of files a minute costs what the file system makes it
/// cost: on ext4 without a journal (this project's test machines) creating a file checks each inode deleted in the last
/// one to six minutes before reusing it, so a run that follows another run's clean-up spends a large part of the
/// runner's CPU in the kernel (measured: 0.5-1.0 ms of runner CPU per email after a quiet spell, 1.5-1.65 ms right after
/// a clean-up). A memory file system does not do this, so runs are comparable whatever ran before them.
/// </summary>
internal static class WorkFolder
{
    private const string SharedMemory = "/dev/shm";

    /// <summary><c>/dev/shm</c> where it is a memory file system this process can write to, else the temporary folder.</summary>
    public static string Default()
    {
        if (OperatingSystem.IsLinux() && FileSystemOf(SharedMemory) == "tmpfs" && CanWrite(SharedMemory))
        {
            return SharedMemory;
        }

        return Path.GetTempPath();
    }

    /// <summary>The type of the file system holding <paramref name="path"/> (Linux: from /proc/mounts), or null when unknown.</summary>
    public static string? FileSystemOf(string path)
    {
        if (!OperatingSystem.IsLinux() || !File.Exists("/proc/mounts"))
        {
            return null;
        }

        var full = Path.GetFullPath(path).TrimEnd('/') + "/";
        string? best = null;
        var bestLength = -1;
        foreach (var line in File.ReadLines("/proc/mounts"))
        {
            // device mount-point type options dump pass; spaces in a mount point are written \040.
            var fields = line.Split(' ');
            if (fields.Length < 3)
            {
                continue;
            }

            var mountPoint = fields[1].Replace("\\040", " ", StringComparison.Ordinal).TrimEnd('/') + "/";
            if (full.StartsWith(mountPoint, StringComparison.Ordinal) && mountPoint.Length >= bestLength)
            {
                (best, bestLength) = (fields[2], mountPoint.Length);
            }
        }

        return best;
    }

    private static bool CanWrite(string directory)
    {
        var probe = Path.Combine(directory, $".alerts-loadtest-probe-{Environment.ProcessId}");
        try
        {
            Directory.CreateDirectory(probe);
            Directory.Delete(probe);
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
