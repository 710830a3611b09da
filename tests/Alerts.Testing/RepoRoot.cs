namespace Alerts.Testing;

/// <summary>Locates the repository root: the nearest folder, walking up from the test binaries, that holds both package.json and Alerts.sln.</summary>
public static class RepoRoot
{
    private static readonly Lazy<string> Root = new(() =>
        Find(AppContext.BaseDirectory)
        ?? throw new DirectoryNotFoundException(
            $"Could not find the repository root (a folder containing both package.json and Alerts.sln) above '{AppContext.BaseDirectory}'."));

    /// <summary>The repository root (absolute path). Throws <see cref="DirectoryNotFoundException"/> if it cannot be found.</summary>
    public static string Path => Root.Value;

    /// <summary>Walks up from <paramref name="startDirectory"/>; returns the first folder containing package.json and Alerts.sln, or null.</summary>
    public static string? Find(string startDirectory)
    {
        for (var dir = new DirectoryInfo(startDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "package.json")) &&
                File.Exists(System.IO.Path.Combine(dir.FullName, "Alerts.sln")))
            {
                return dir.FullName;
            }
        }

        return null;
    }
}
