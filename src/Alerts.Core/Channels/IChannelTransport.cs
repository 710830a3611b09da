namespace Alerts.Core.Channels;

/// <summary>What a receiver answered: its HTTP status (0 when no answer came) and up to a few KiB of its body.</summary>
public sealed record ChannelResponse(int Status, string Body, string? Error = null)
{
    public bool IsSuccess => Status is >= 200 and < 300;

    /// <summary>A short description for logs, the sent log and the pause note.</summary>
    public string Describe() => Status == 0 ? Error ?? "no answer" : $"HTTP {Status}";
}

/// <summary>
/// Posts JSON to a channel's receiver. The implementation resolves the host, refuses it unless every address passes
/// <see cref="ChannelAddresses"/>, connects only to those addresses, and follows no redirect.
/// </summary>
public interface IChannelTransport
{
    /// <summary>The host's addresses (an IP literal is itself), for the check made before any connection.</summary>
    Task<IReadOnlyList<System.Net.IPAddress>> ResolveAsync(string host, CancellationToken cancellationToken);

    /// <summary>Posts <paramref name="json"/>; a receiver that cannot be reached answers with status 0, never an exception.</summary>
    Task<ChannelResponse> PostAsync(Uri url, string json, IReadOnlyDictionary<string, string> headers, CancellationToken cancellationToken);
}
