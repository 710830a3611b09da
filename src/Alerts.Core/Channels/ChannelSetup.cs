using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Alerts.Core.Channels;

/// <summary>
/// Accepts the channels of a subscription body. A channel the subscription already has (same type and URL) is kept as it
/// is, secret and state included. A new one must pass, in order, before it is stored: its URL (https; http only to
/// loopback while <see cref="ChannelOptions.AllowLoopback"/>), every address its host resolves to
/// (<see cref="ChannelAddresses"/>, checked before any connection), and a verification post: a webhook must answer 2xx with
/// the <c>url_verification</c> challenge in its body, Slack and Teams must accept one test message with 2xx. Each failure
/// is an error on <c>channels[i].url</c>; a new webhook gets a fresh secret.
/// </summary>
public sealed partial class ChannelSetup(IChannelTransport transport, IChannelStateStore states, IOptions<ChannelOptions> options, ILogger<ChannelSetup> logger)
{
    public async Task<ChannelSetupResult> PrepareAsync(IReadOnlyList<Channel> requested, IReadOnlyList<Channel> existing, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(requested);
        ArgumentNullException.ThrowIfNull(existing);
        var channels = new List<Channel>(requested.Count);
        var added = new List<string>();
        var errors = new List<ValidationError>();
        for (var i = 0; i < requested.Count; i++)
        {
            var wanted = requested[i];
            if (existing.FirstOrDefault(c => c.Id == wanted.Id) is { } kept)
            {
                channels.Add(kept);
                continue;
            }

            var problem = await CheckAsync(wanted, cancellationToken);
            if (problem is not null)
            {
                LogRefused(wanted.Type.ToWireName(), problem);
                errors.Add(new ValidationError(null, $"channels[{i}].url", problem));
                continue;
            }

            var channel = wanted.Type == ChannelType.Webhook ? wanted with { Secret = NewSecret() } : wanted with { Secret = null };
            channels.Add(channel);
            added.Add(channel.Id);
        }

        return errors.Count > 0 ? new ChannelSetupResult([], [], errors) : new ChannelSetupResult(channels, added, []);
    }

    /// <summary>Forgets the state (failures, pause) of channels added or removed, so that a channel added again starts afresh.</summary>
    public async Task ForgetAsync(string subscriptionId, IEnumerable<string> channelIds, CancellationToken cancellationToken)
    {
        foreach (var id in channelIds)
        {
            await states.ClearAsync(subscriptionId, id, cancellationToken);
        }
    }

    /// <summary>A webhook's signing secret: 32 random bytes, hex, with a prefix that says what it is.</summary>
    public static string NewSecret() => "whsec_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));

    private async Task<string?> CheckAsync(Channel channel, CancellationToken cancellationToken)
    {
        var allowLoopback = options.Value.AllowLoopback;
        var url = new Uri(channel.Url);
        if (ChannelAddresses.UrlProblem(url, allowLoopback) is { } urlProblem)
        {
            return urlProblem;
        }

        IReadOnlyList<System.Net.IPAddress> addresses;
        try
        {
            addresses = await transport.ResolveAsync(url.IdnHost, cancellationToken);
        }
        catch (System.Net.Sockets.SocketException)
        {
            addresses = [];
        }

        if (ChannelAddresses.AddressesProblem(addresses, allowLoopback) is { } addressProblem)
        {
            return addressProblem;
        }

        var challenge = Ids.NewRandom();
        var body = channel.Type switch
        {
            ChannelType.Slack => ChannelMessages.SlackVerification(),
            ChannelType.Teams => ChannelMessages.TeamsVerification(),
            _ => ChannelMessages.WebhookVerification(challenge),
        };
        var response = await transport.PostAsync(url, body, new Dictionary<string, string>(), cancellationToken);
        if (!response.IsSuccess)
        {
            return $"could not be verified: the receiver {(response.Status == 0 ? "was unreachable (" + response.Describe() + ")" : "answered " + response.Describe())}; nothing was changed";
        }

        if (channel.Type == ChannelType.Webhook && !response.Body.Contains(challenge, StringComparison.Ordinal))
        {
            return "could not be verified: the receiver answered 2xx without the url_verification challenge in its body; nothing was changed";
        }

        return null;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "A {ChannelType} channel was refused: {Problem}")]
    private partial void LogRefused(string channelType, string problem);
}
