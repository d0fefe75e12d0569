namespace CodeRunner.Client;

/// <summary>
/// The client's readiness: the runner it forwards to answers its liveness probe. Only the runner's
/// liveness, not its readiness, so one slow tier further in does not take every tier out.
/// </summary>
internal sealed class ClientReadiness(ClientOptions options)
{
    private readonly HttpClient _http = new(new SocketsHttpHandler { UseProxy = false, ConnectTimeout = TimeSpan.FromSeconds(2) })
    {
        BaseAddress = new Uri(options.RunnerApiUrl.ToString().TrimEnd('/') + "/"),
        Timeout = TimeSpan.FromSeconds(3),
    };

    public async Task<IResult> CheckAsync(CancellationToken ct)
    {
        try
        {
            using var reply = await _http.GetAsync("health", ct);
            return reply.IsSuccessStatusCode
                ? TypedResults.Ok(new { status = "ready", runner = "ok" })
                : Unavailable($"runner answered {(int)reply.StatusCode}");
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            return Unavailable("runner unreachable");
        }
    }

    private static IResult Unavailable(string why) =>
        TypedResults.Json(new { status = "unavailable", runner = why }, statusCode: StatusCodes.Status503ServiceUnavailable);
}
