using StackExchange.Redis;

namespace CodeRunner.Storage.Redis;

/// <summary>
/// Where Redis is, from the first of: `REDIS_URL`, `Storage:Redis` (a redis:// or rediss:// URL, or a
/// StackExchange.Redis configuration string), or Judge0's `REDIS_HOST`/`REDIS_PORT`/`REDIS_PASSWORD`.
/// </summary>
internal static class RedisConfiguration
{
    internal static readonly string[] UrlKeys = ["REDIS_URL", "Storage:Redis"];

    public static bool TryCreate(IConfiguration configuration, TimeSpan timeout, out ConfigurationOptions options)
    {
        var url = UrlKeys.Select(k => configuration[k]).FirstOrDefault(v => !string.IsNullOrWhiteSpace(v));
        var host = configuration["REDIS_HOST"];
        if (url is not null)
        {
            options = Parse(url.Trim());
        }
        else if (!string.IsNullOrWhiteSpace(host))
        {
            options = new ConfigurationOptions();
            options.EndPoints.Add(host.Trim(), Port(configuration["REDIS_PORT"]));
            options.Password = NullIfEmpty(configuration["REDIS_PASSWORD"]);
        }
        else
        {
            options = null!;
            return false;
        }
        Harden(options, timeout);
        return true;
    }

    /// <summary>redis://[[user]:password@]host[:port][/db]; rediss:// adds TLS; anything else is a StackExchange.Redis string.</summary>
    public static ConfigurationOptions Parse(string value)
    {
        if (!value.StartsWith("redis://", StringComparison.OrdinalIgnoreCase) && !value.StartsWith("rediss://", StringComparison.OrdinalIgnoreCase))
        {
            return ConfigurationOptions.Parse(value);
        }
        // Uri only for the structure; the message names no part of the value, which may hold a password.
        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || string.IsNullOrEmpty(uri.Host))
        {
            throw new InvalidOperationException("The Redis URL is not of the form redis://[user:password@]host[:port][/db]");
        }
        var options = new ConfigurationOptions { Ssl = uri.Scheme.Equals("rediss", StringComparison.OrdinalIgnoreCase) };
        options.EndPoints.Add(uri.IdnHost, uri.IsDefaultPort || uri.Port <= 0 ? 6379 : uri.Port);
        if (options.Ssl)
        {
            options.SslHost = uri.IdnHost;
        }
        if (uri.UserInfo.Length > 0)
        {
            var colon = uri.UserInfo.IndexOf(':');
            var user = Uri.UnescapeDataString(colon < 0 ? uri.UserInfo : uri.UserInfo[..colon]);
            var password = colon < 0 ? null : Uri.UnescapeDataString(uri.UserInfo[(colon + 1)..]);
            // redis://:secret@host (no user) and redis://secret@host (old form) both mean a password only.
            if (password is null)
            {
                options.Password = NullIfEmpty(user);
            }
            else
            {
                options.User = NullIfEmpty(user);
                options.Password = NullIfEmpty(password);
            }
        }
        var path = uri.AbsolutePath.Trim('/');
        if (path.Length > 0)
        {
            options.DefaultDatabase = int.TryParse(path, out var db) && db >= 0
                ? db
                : throw new InvalidOperationException("The Redis URL's path must be a database number");
        }
        return options;
    }

    /// <summary>Start without Redis and reconnect by itself; fail a command within a few seconds while it is away.</summary>
    private static void Harden(ConfigurationOptions options, TimeSpan timeout)
    {
        var ms = (int)Math.Max(500, timeout.TotalMilliseconds);
        options.AbortOnConnectFail = false;
        options.ConnectTimeout = ms;
        options.SyncTimeout = ms;
        options.AsyncTimeout = ms;
        // Queued commands would hang callers for the whole outage; an error now becomes a 503 now.
        options.BacklogPolicy = BacklogPolicy.FailFast;
        options.ReconnectRetryPolicy = new ExponentialRetry(deltaBackOffMilliseconds: 500, maxDeltaBackOffMilliseconds: ms);
        options.ClientName ??= "coderunner";
    }

    private static int Port(string? value) =>
        string.IsNullOrWhiteSpace(value) ? 6379
        : int.TryParse(value, out var port) && port is > 0 and < 65536 ? port
        : throw new InvalidOperationException("REDIS_PORT must be a port number");

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
