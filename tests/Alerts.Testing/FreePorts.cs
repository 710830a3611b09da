using System.Net;
using System.Net.Sockets;

namespace Alerts.Testing;

/// <summary>Hands out TCP ports on 127.0.0.1 that were free at the time of the call.</summary>
public static class FreePorts
{
    private static readonly object Gate = new();
    private static readonly HashSet<int> HandedOut = [];

    /// <summary>
    /// Returns <paramref name="count"/> distinct ports that were free on 127.0.0.1 a moment ago
    /// (the OS assigns them via a listener on port 0; all listeners are open at once so the ports differ).
    /// Ports already handed out by this process are skipped, so parallel fixtures in one test assembly never share a port.
    /// Another process can still grab a port before it is used; callers that start servers should be ready to retry.
    /// </summary>
    public static int[] Get(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);

        lock (Gate)
        {
            var listeners = new List<TcpListener>();
            try
            {
                var ports = new List<int>(count);
                var attempts = 0;
                while (ports.Count < count)
                {
                    if (++attempts > count + 200)
                    {
                        throw new InvalidOperationException($"Could not find {count} free TCP ports on 127.0.0.1.");
                    }

                    var listener = new TcpListener(IPAddress.Loopback, 0);
                    listener.Start();
                    listeners.Add(listener); // keep it open so the OS does not hand the same port out again in this loop
                    var port = ((IPEndPoint)listener.LocalEndpoint).Port;
                    if (HandedOut.Add(port))
                    {
                        ports.Add(port);
                    }
                }

                return [.. ports];
            }
            finally
            {
                foreach (var listener in listeners)
                {
                    listener.Stop();
                }
            }
        }
    }

    /// <summary>Returns one port that was free on 127.0.0.1 a moment ago.</summary>
    public static int GetOne() => Get(1)[0];
}
