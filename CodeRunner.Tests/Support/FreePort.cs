using System.Net;
using System.Net.Sockets;

namespace CodeRunner.Tests.Support;

/// <summary>
/// Loopback ports for servers the tests start. Taken below the kernel's ephemeral range, which
/// port 0 and every outgoing connection draw from: between this check and the server's own bind,
/// no connection (to PostgreSQL, Redis, a judge-server…) can take the port. Handed out in turn
/// from a random start, so one test process never gives the same port twice and parallel test
/// processes rarely meet.
/// </summary>
internal static class FreePort
{
    private static readonly (int First, int Count) Range = BelowEphemeral();
    private static int counter = Random.Shared.Next(Range.Count);

    public static int Next()
    {
        for (var tries = 0; tries < Range.Count; tries++)
        {
            var port = Range.First + (int)((uint)Interlocked.Increment(ref counter) % (uint)Range.Count);
            try
            {
                using var listener = new TcpListener(IPAddress.Loopback, port);
                listener.Start();
                return port;
            }
            catch (SocketException)
            {
            }
        }
        throw new InvalidOperationException($"no free loopback port in {Range.First}-{Range.First + Range.Count - 1}");
    }

    private static (int First, int Count) BelowEphemeral()
    {
        var low = 32768;
        try
        {
            low = int.Parse(File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range").Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)[0]);
        }
        catch (Exception e) when (e is IOException or FormatException or UnauthorizedAccessException)
        {
        }
        var first = Math.Max(10000, low - 12000);
        return low - first >= 1000 ? (first, low - first) : (40000, 20000);
    }
}
