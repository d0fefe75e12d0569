using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace CodeRunner.Tests.Lb;

/// <summary>One request of a load run: when it started and ended (seconds on the run's clock) and how.</summary>
internal sealed record LoadOutcome(string Method, double StartedAt, double EndedAt, int Status, string? Error)
{
    public bool Failed => Error is not null || Status is not (200 or 201);

    public override string ToString() => $"{Method} {StartedAt:F3}-{EndedAt:F3} s: {(Error ?? Status.ToString())}";

    /// <summary>
    /// <paramref name="loops"/> loops, each creating a submission and reading it back, until
    /// <paramref name="duration"/> has passed or <paramref name="maxRequests"/> were sent.
    /// </summary>
    public static async Task<List<LoadOutcome>> RunAsync(HttpClient client, Stopwatch clock, TimeSpan duration, int maxRequests, int loops)
    {
        var outcomes = new ConcurrentQueue<LoadOutcome>();
        var sent = 0;
        var end = clock.Elapsed + duration;
        await Task.WhenAll(Enumerable.Range(0, loops).Select(loop => Task.Run(async () =>
        {
            for (var i = 0; clock.Elapsed < end && Interlocked.Add(ref sent, 2) <= maxRequests; i++)
            {
                var submission = new { language_id = 46, source_code = "echo ok", stdin = $"{loop}-{i}" };
                var (created, body) = await SendAsync(clock, "POST", () => client.PostAsJsonAsync("/submissions", submission));
                outcomes.Enqueue(created);
                if (!created.Failed && JsonNode.Parse(body!)?["token"]?.GetValue<string>() is { } token)
                {
                    var (shown, _) = await SendAsync(clock, "GET", () => client.GetAsync($"/submissions/{token}?fields=token,status"));
                    outcomes.Enqueue(shown);
                }
            }
        })));
        return [.. outcomes.OrderBy(o => o.StartedAt)];
    }

    private static async Task<(LoadOutcome, string?)> SendAsync(Stopwatch clock, string method, Func<Task<HttpResponseMessage>> send)
    {
        var started = clock.Elapsed.TotalSeconds;
        try
        {
            using var response = await send();
            var body = await response.Content.ReadAsStringAsync();
            return (new LoadOutcome(method, started, clock.Elapsed.TotalSeconds, (int)response.StatusCode, null), body);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return (new LoadOutcome(method, started, clock.Elapsed.TotalSeconds, 0, e.GetType().Name + ": " + e.Message), null);
        }
    }
}
