using System.Text;

namespace Alerts.Infrastructure.Feeds;

/// <summary>Builds request addresses: the base (which may carry a path, e.g. <c>/api/v1</c>), a path and an escaped query.</summary>
internal static class FeedUrls
{
    public static Uri Build(string baseUrl, string path, params (string Name, string? Value)[] query)
    {
        var url = new StringBuilder(baseUrl.TrimEnd('/')).Append(path);
        var separator = '?';
        foreach (var (name, value) in query)
        {
            if (value is null)
            {
                continue;
            }

            url.Append(separator).Append(Uri.EscapeDataString(name)).Append('=').Append(Uri.EscapeDataString(value));
            separator = '&';
        }

        return new Uri(url.ToString(), UriKind.Absolute);
    }
}
