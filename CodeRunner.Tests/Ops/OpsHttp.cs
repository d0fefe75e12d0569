using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace CodeRunner.Tests.Ops;

/// <summary>HTTP helpers for the operations tests: a client from a chosen loopback source, /metrics parsing.</summary>
internal static partial class OpsHttp
{
    /// <summary>
    /// A client whose connections leave from <paramref name="source"/> (127.0.0.2 is as much a
    /// loopback address as 127.0.0.1 on Linux), so a server sees two different sources.
    /// </summary>
    public static HttpClient From(string source, Uri baseAddress) => new(new SocketsHttpHandler
    {
        ConnectCallback = async (context, ct) =>
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                socket.Bind(new IPEndPoint(IPAddress.Parse(source), 0));
                await socket.ConnectAsync(context.DnsEndPoint, ct);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    })
    { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(60) };

    /// <summary>The sum of every sample of <paramref name="name"/> whose labels contain <paramref name="labels"/>.</summary>
    public static double Sum(string metrics, string name, params string[] labels)
    {
        var total = 0.0;
        foreach (Match m in Sample().Matches(metrics))
        {
            if (m.Groups["name"].Value == name && labels.All(m.Groups["labels"].Value.Contains))
            {
                total += double.Parse(m.Groups["value"].Value, System.Globalization.CultureInfo.InvariantCulture);
            }
        }
        return total;
    }

    public static bool Has(string metrics, string name) =>
        Sample().Matches(metrics).Any(m => m.Groups["name"].Value == name);

    [GeneratedRegex(@"^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(?<labels>[^}]*)\})? (?<value>\S+)", RegexOptions.Multiline)]
    private static partial Regex Sample();
}
