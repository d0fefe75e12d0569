using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using CodeRunner.Tests.Support;

namespace CodeRunner.Tests.Judge.Callbacks;

/// <summary>
/// A real HTTP server on loopback that records every request it gets. The path says how to
/// answer: /status/{code}/… answers that code, /redirect/… answers 307 to /landed, /hang/… never
/// answers; anything else is 204.
/// </summary>
internal sealed class CallbackReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<Received> _received = new();

    public sealed record Received(string Method, string Path, IReadOnlyDictionary<string, string> Headers, byte[] Body);

    private CallbackReceiver(WebApplication app, int port)
    {
        _app = app;
        Port = port;
    }

    public int Port { get; }

    public IReadOnlyList<Received> All => [.. _received];

    public static async Task<CallbackReceiver> StartAsync()
    {
        var port = FreePort.Next();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new CallbackReceiver(app, port);
        app.Run(receiver.HandleAsync);
        await app.StartAsync();
        return receiver;
    }

    public string Url(string path) => $"http://127.0.0.1:{Port}{path}";

    public IReadOnlyList<Received> To(string path) => All.Where(r => r.Path == path).ToList();

    /// <summary>Waits (up to <paramref name="seconds"/>) until <paramref name="count"/> requests reached the path.</summary>
    public Task<IReadOnlyList<Received>> WaitForAsync(string path, int count = 1, int seconds = 30) =>
        Poll.UntilAsync(() => To(path), received => received.Count >= count, TimeSpan.FromSeconds(seconds));

    private async Task HandleAsync(HttpContext context)
    {
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body);
        var path = context.Request.Path.Value ?? "";
        _received.Enqueue(new Received(context.Request.Method, path,
            context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase), body.ToArray()));
        var parts = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        switch (parts.FirstOrDefault())
        {
            case "status":
                context.Response.StatusCode = int.Parse(parts[1]);
                break;
            case "redirect":
                context.Response.StatusCode = StatusCodes.Status307TemporaryRedirect;
                context.Response.Headers.Location = "/landed";
                break;
            case "hang":
                await Task.Delay(Timeout.Infinite, context.RequestAborted).ContinueWith(_ => { });
                break;
            default:
                context.Response.StatusCode = StatusCodes.Status204NoContent;
                break;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync(new CancellationTokenSource(TimeSpan.FromSeconds(5)).Token);
        await _app.DisposeAsync();
    }
}
