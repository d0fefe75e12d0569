using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;

namespace CodeRunner.Judge.Callbacks;

/// <summary>
/// One callback's delivery, Judge0's way on the wire: PUT callback_url, application/json, up to
/// CALLBACKS_MAX_TRIES tries of CALLBACKS_TIMEOUT seconds each. Better than Judge0's: it connects
/// only to addresses <see cref="CallbackTargets"/> permits (checked per connection, after DNS),
/// follows no redirect and uses no proxy (either could lead inside), waits 1, 2, 4 … s between
/// tries and tries again only what may succeed later (no answer, 408, 429, 5xx), and with
/// CALLBACKS_SECRET signs the body so the receiver can tell it from a forgery:
/// X-CodeRunner-Signature: sha256=hex(HMAC-SHA256(secret, X-CodeRunner-Timestamp + "." + body)).
/// </summary>
internal sealed class CallbackSender : IDisposable
{
    public const string SignatureHeader = "X-CodeRunner-Signature";
    public const string TimestampHeader = "X-CodeRunner-Timestamp";

    private readonly JudgeOptions options;
    private readonly ILogger<CallbackSender> logger;
    private readonly HttpClient http;
    private readonly byte[]? key;

    public CallbackSender(JudgeOptions options, CallbackTargets targets, ILogger<CallbackSender> logger)
    {
        this.options = options;
        this.logger = logger;
        key = string.IsNullOrEmpty(options.CallbacksSecret) ? null : Encoding.UTF8.GetBytes(options.CallbacksSecret);
        http = new HttpClient(new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseProxy = false,
            UseCookies = false,
            PooledConnectionLifetime = TimeSpan.FromMinutes(1),
            ConnectCallback = (context, ct) => ConnectAsync(targets, context.DnsEndPoint, ct),
        })
        {
            Timeout = Timeout.InfiniteTimeSpan,
        };
        http.DefaultRequestHeaders.UserAgent.ParseAdd("CodeRunner-Callbacks/1");
    }

    /// <summary>Tries until delivered, refused for good, or out of tries; true when the receiver took it (2xx).</summary>
    public async Task<bool> DeliverAsync(Uri url, string token, byte[] body, CancellationToken ct)
    {
        var tries = Math.Max(1, options.CallbacksMaxTries);
        for (var attempt = 1; attempt <= tries; attempt++)
        {
            var (delivered, retry, outcome) = await TryOnceAsync(url, body, ct);
            if (delivered)
            {
                logger.LogInformation("Submission {Token}: callback delivered ({Outcome}, try {Try})", token, outcome, attempt);
                return true;
            }
            if (!retry || attempt == tries)
            {
                logger.LogWarning("Submission {Token}: callback to {Host} not delivered ({Outcome}, try {Try} of {Tries})", token, url.Host, outcome, attempt, tries);
                return false;
            }
            await Task.Delay(TimeSpan.FromSeconds(1 << (attempt - 1)), ct);
        }
        return false;
    }

    private async Task<(bool Delivered, bool Retry, string Outcome)> TryOnceAsync(Uri url, byte[] body, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new("application/json");
        if (key is not null)
        {
            var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
            request.Headers.Add(TimestampHeader, timestamp);
            request.Headers.Add(SignatureHeader, "sha256=" + Signature(key, timestamp, body));
        }
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds((double)Math.Max(0.1m, options.CallbacksTimeout)));
        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            var code = (int)response.StatusCode;
            return (code is >= 200 and < 300, code is 408 or 429 or >= 500, $"HTTP {code}");
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return (false, true, $"no answer within {options.CallbacksTimeout} s");
        }
        catch (HttpRequestException e) when (e.InnerException is RefusedTargetException refused)
        {
            return (false, false, refused.Message);
        }
        catch (HttpRequestException e)
        {
            return (false, true, e.Message);
        }
    }

    public static string Signature(byte[] key, string timestamp, byte[] body)
    {
        var signed = new byte[timestamp.Length + 1 + body.Length];
        Encoding.ASCII.GetBytes(timestamp, signed);
        signed[timestamp.Length] = (byte)'.';
        body.CopyTo(signed, timestamp.Length + 1);
        return Convert.ToHexStringLower(HMACSHA256.HashData(key, signed));
    }

    /// <summary>Resolves the host now and connects only to an address the targets permit.</summary>
    private static async ValueTask<Stream> ConnectAsync(CallbackTargets targets, DnsEndPoint endpoint, CancellationToken ct)
    {
        var permitted = (await CallbackTargets.ResolveAsync(endpoint.Host, ct)).Where(targets.Permits).ToList();
        if (permitted.Count == 0)
        {
            throw new RefusedTargetException($"{endpoint.Host} resolves only to internal addresses, which callbacks never reach");
        }
        SocketException? last = null;
        foreach (var address in permitted)
        {
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(new IPEndPoint(address, endpoint.Port), ct);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch (SocketException e)
            {
                socket.Dispose();
                last = e;
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }
        throw last!;
    }

    public void Dispose() => http.Dispose();

    private sealed class RefusedTargetException(string message) : Exception(message);
}
