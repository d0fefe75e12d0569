using CodeRunner.Hosting;

namespace CodeRunner.Client;

/// <summary>Where the client forwards <c>/api/*</c>: <c>RUNNER_API_URL</c>, or the co-located runner.</summary>
internal sealed record ClientOptions(Uri RunnerApiUrl)
{
    public static ClientOptions Load(IHostApplicationBuilder builder)
    {
        var configured = builder.Configuration["RUNNER_API_URL"] ?? builder.Configuration["Client:RunnerApiUrl"];
        if (string.IsNullOrWhiteSpace(configured) && builder.Roles().HasFlag(Roles.Runner))
        {
            // --role all: the runner in this process, on its first listener.
            var first = (builder.Configuration["Runner:Urls"] ?? "")
                .Split([';', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .FirstOrDefault();
            configured = first?.Replace("://0.0.0.0", "://127.0.0.1").Replace("://*", "://127.0.0.1").Replace("://+", "://127.0.0.1")
                .Replace("://[::]", "://127.0.0.1");
        }
        if (string.IsNullOrWhiteSpace(configured))
        {
            throw new InvalidOperationException(
                "RUNNER_API_URL is not set: the client role forwards /api/* to the runner, e.g. RUNNER_API_URL=http://10.0.0.2:4000");
        }
        if (!Uri.TryCreate(configured.Trim(), UriKind.Absolute, out var url) || (url.Scheme != "http" && url.Scheme != "https"))
        {
            throw new InvalidOperationException($"RUNNER_API_URL: '{configured}' is not an http(s) URL like http://10.0.0.2:4000");
        }
        return new ClientOptions(url);
    }
}
