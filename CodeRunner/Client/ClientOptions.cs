using System.Globalization;
using CodeRunner.Hosting;

namespace CodeRunner.Client;

/// <summary>
/// Where the client forwards <c>/api/*</c>: <c>RUNNER_API_URL</c>, or the co-located runner; and
/// the largest body it forwards (<c>Client:MaxRequestBytes</c>, else the runner's
/// <c>Runner:MaxRequestBytes</c>, else the runner's default 1 MiB).
/// </summary>
internal sealed record ClientOptions(Uri RunnerApiUrl, long MaxRequestBytes)
{
    public const long DefaultMaxRequestBytes = 1024 * 1024;

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
        return new ClientOptions(url, MaxBytes(builder.Configuration));
    }

    private static long MaxBytes(IConfiguration configuration)
    {
        var (name, value) = configuration["Client:MaxRequestBytes"] is { Length: > 0 } own
            ? ("Client:MaxRequestBytes", own)
            : ("Runner:MaxRequestBytes", configuration["Runner:MaxRequestBytes"]);
        if (string.IsNullOrWhiteSpace(value))
        {
            return DefaultMaxRequestBytes;
        }
        return long.TryParse(value.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var bytes) && bytes > 0
            ? bytes
            : throw new InvalidOperationException($"{name}: '{value}' is not a positive whole number");
    }
}
