using System.Net.Http.Headers;

namespace CodeRunner.Runner.Forwarding;

/// <summary>What the judge tier answered, kept whole so the runner can look inside before passing it on.</summary>
internal sealed record JudgeReply(int Status, string? ContentType, byte[] Body, string? RetryAfter)
{
    public bool IsSuccess => Status is >= 200 and < 300;
}

/// <summary>The judge tier could not be reached or did not answer in time.</summary>
internal sealed class JudgeUnavailableException(string message, Exception inner, bool timedOut) : Exception(message, inner)
{
    public bool TimedOut { get; } = timedOut;
}

/// <summary>
/// The one way out of the runner: calls to JUDGE0_URL (the lb) carrying only a JSON body, the
/// inner tier's token and on creates the caller's queue name, never the caller's headers, key or cookies.
/// </summary>
internal sealed class JudgeTier(IHttpClientFactory clients, RunnerOptions options)
{
    public const string ClientName = "runner-judge-tier";

    public static void Configure(HttpClient http, RunnerOptions options)
    {
        var url = options.JudgeUrl.ToString();
        http.BaseAddress = new Uri(url.EndsWith('/') ? url : url + "/");
        http.Timeout = options.JudgeTimeout;
        http.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
    }

    public static HttpMessageHandler Handler() => new SocketsHttpHandler
    {
        UseCookies = false,
        AllowAutoRedirect = false,
        ConnectTimeout = TimeSpan.FromSeconds(5),
        PooledConnectionLifetime = TimeSpan.FromMinutes(2),
    };

    public Task<JudgeReply> GetAsync(string pathAndQuery, CancellationToken ct) => SendAsync(HttpMethod.Get, pathAndQuery, null, null, ct);

    /// <param name="caller">Whose queue lane the judge puts the submissions in (<see cref="TierHeaders.Caller"/>).</param>
    public Task<JudgeReply> PostAsync(string pathAndQuery, byte[] json, string caller, CancellationToken ct) =>
        SendAsync(HttpMethod.Post, pathAndQuery, json, caller, ct);

    private async Task<JudgeReply> SendAsync(HttpMethod method, string pathAndQuery, byte[]? json, string? caller, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(method, pathAndQuery.TrimStart('/'));
        if (options.JudgeAuthToken.Length > 0)
        {
            request.Headers.TryAddWithoutValidation(options.JudgeAuthHeader, options.JudgeAuthToken);
        }
        if (caller is not null)
        {
            request.Headers.TryAddWithoutValidation(TierHeaders.Caller, caller);
        }
        if (json is not null)
        {
            request.Content = new ByteArrayContent(json);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        }
        try
        {
            var http = clients.CreateClient(ClientName);
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, ct);
            var body = await response.Content.ReadAsByteArrayAsync(ct);
            var retryAfter = response.Headers.RetryAfter?.ToString();
            return new JudgeReply((int)response.StatusCode, response.Content.Headers.ContentType?.ToString(), body, retryAfter);
        }
        catch (HttpRequestException e)
        {
            throw new JudgeUnavailableException($"{method} {pathAndQuery}: {e.Message}", e, timedOut: false);
        }
        catch (TaskCanceledException e) when (!ct.IsCancellationRequested)
        {
            throw new JudgeUnavailableException($"{method} {pathAndQuery}: no answer within {options.JudgeTimeout.TotalSeconds} s", e, timedOut: true);
        }
    }
}
