using System.Net;
using System.Net.Sockets;
using System.Text;
using Alerts.Core.Channels;
using Microsoft.Extensions.Options;

namespace Alerts.Infrastructure.Channels;

/// <summary>
/// Posts to channel receivers over an <see cref="HttpClient"/> whose <see cref="SocketsHttpHandler.ConnectCallback"/>
/// resolves the host itself, refuses the connection unless every address passes <see cref="ChannelAddresses"/>, and
/// connects only to those addresses (so a name that resolves differently between the check and the connection cannot
/// lead anywhere else). No proxy, no redirect followed, no cookies; a timeout of <see cref="ChannelOptions.TimeoutSeconds"/>.
/// </summary>
internal sealed class HttpChannelTransport : IChannelTransport, IDisposable
{
    /// <summary>How much of a receiver's answer is read (a verification challenge fits many times over).</summary>
    private const int MaxAnswerChars = 4096;

    private readonly HttpClient _client;
    private readonly bool _allowLoopback;

    public HttpChannelTransport(IOptions<ChannelOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _allowLoopback = options.Value.AllowLoopback;
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseProxy = false,
            UseCookies = false,
            ConnectTimeout = TimeSpan.FromSeconds(options.Value.TimeoutSeconds),
            ConnectCallback = ConnectAsync,
        };
        _client = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(options.Value.TimeoutSeconds) };
        _client.DefaultRequestHeaders.UserAgent.ParseAdd("Alerts-Channels/1.0");
    }

    public async Task<IReadOnlyList<IPAddress>> ResolveAsync(string host, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(host);
        return IPAddress.TryParse(host.Trim('[', ']'), out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, cancellationToken);
    }

    public async Task<ChannelResponse> PostAsync(Uri url, string json, IReadOnlyDictionary<string, string> headers, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(url);
        ArgumentNullException.ThrowIfNull(headers);
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        try
        {
            using var response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            var body = await ReadAnswerAsync(response, cancellationToken);
            return new ChannelResponse((int)response.StatusCode, body);
        }
        catch (HttpRequestException ex)
        {
            return new ChannelResponse(0, string.Empty, ex.InnerException?.Message ?? ex.Message);
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new ChannelResponse(0, string.Empty, "timed out");
        }
    }

    public void Dispose() => _client.Dispose();

    private static async Task<string> ReadAnswerAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var buffer = new char[MaxAnswerChars];
        var read = await reader.ReadBlockAsync(buffer.AsMemory(), cancellationToken);
        return new string(buffer, 0, read);
    }

    /// <summary>Resolves, checks every address, then connects to the checked addresses only.</summary>
    private async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var addresses = await ResolveAsync(context.DnsEndPoint.Host, cancellationToken);
        if (ChannelAddresses.AddressesProblem(addresses, _allowLoopback) is { } problem)
        {
            throw new HttpRequestException($"The receiver's host {problem}: not connected.");
        }

        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(addresses.ToArray(), context.DnsEndPoint.Port, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
