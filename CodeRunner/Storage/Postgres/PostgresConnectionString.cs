using Npgsql;

namespace CodeRunner.Storage.Postgres;

/// <summary>
/// Turns a configured database address into an Npgsql connection string. Accepts the URL form
/// (postgres://user:pass@host:port/db?sslmode=require, as DigitalOcean and Heroku hand it out) and
/// Npgsql's own Key=Value form. Error messages never repeat the value: it holds a password.
/// </summary>
internal static class PostgresConnectionString
{
    public const int DefaultPort = 5432;

    // libpq's query parameters that Npgsql spells differently; anything else must be an Npgsql keyword.
    private static readonly Dictionary<string, string> LibpqNames = new(StringComparer.OrdinalIgnoreCase)
    {
        ["sslmode"] = "SSL Mode",
        ["sslrootcert"] = "Root Certificate",
        ["sslcert"] = "SSL Certificate",
        ["sslkey"] = "SSL Key",
        ["sslpassword"] = "SSL Password",
        ["connect_timeout"] = "Timeout",
        ["application_name"] = "Application Name",
        ["options"] = "Options",
        ["target_session_attrs"] = "Target Session Attributes",
        ["user"] = "Username",
        ["password"] = "Password",
        ["dbname"] = "Database",
        ["host"] = "Host",
        ["port"] = "Port",
    };

    private static readonly Dictionary<string, string> SslModes = new(StringComparer.OrdinalIgnoreCase)
    {
        ["disable"] = "Disable",
        ["allow"] = "Allow",
        ["prefer"] = "Prefer",
        ["require"] = "Require",
        ["verify-ca"] = "VerifyCA",
        ["verify-full"] = "VerifyFull",
    };

    /// <summary>The Npgsql connection string for <paramref name="value"/>, with this service's pool defaults.</summary>
    /// <exception cref="FormatException">Not a PostgreSQL URL or connection string (the value is not quoted).</exception>
    public static string Parse(string value, string source)
    {
        var trimmed = value.Trim();
        var builder = IsUrl(trimmed) ? FromUrl(trimmed, source) : FromKeyValue(trimmed, source);
        ApplyDefaults(builder);
        return builder.ConnectionString;
    }

    private static bool IsUrl(string value) =>
        value.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase)
        || value.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase);

    private static NpgsqlConnectionStringBuilder FromKeyValue(string value, string source)
    {
        if (value.Contains("://", StringComparison.Ordinal))
        {
            throw new FormatException($"{source}: only postgres:// and postgresql:// URLs are PostgreSQL addresses");
        }
        try
        {
            var builder = new NpgsqlConnectionStringBuilder(value);
            if (string.IsNullOrWhiteSpace(builder.Host))
            {
                throw new FormatException($"{source}: the connection string names no Host");
            }
            return builder;
        }
        catch (ArgumentException e)
        {
            // Not e.Message: a password with a stray ';' would show up in it as a "keyword".
            throw new FormatException($"{source}: not a PostgreSQL URL or Npgsql connection string (Key=Value;...)", e);
        }
    }

    private static NpgsqlConnectionStringBuilder FromUrl(string url, string source)
    {
        var rest = url[(url.IndexOf("://", StringComparison.Ordinal) + 3)..];
        var fragment = rest.IndexOf('#');
        if (fragment >= 0)
        {
            rest = rest[..fragment];
        }
        var queryStart = rest.IndexOf('?');
        var query = queryStart >= 0 ? rest[(queryStart + 1)..] : "";
        var beforeQuery = queryStart >= 0 ? rest[..queryStart] : rest;
        // Hosts and database names have no '@', so the last one ends the credentials even when a
        // password carries a raw '@' or '/' that should have been percent-encoded.
        var at = beforeQuery.LastIndexOf('@');
        var userInfo = at >= 0 ? beforeQuery[..at] : "";
        var hostAndPath = at >= 0 ? beforeQuery[(at + 1)..] : beforeQuery;
        var slash = hostAndPath.IndexOf('/');
        var hosts = slash >= 0 ? hostAndPath[..slash] : hostAndPath;
        var database = slash >= 0 ? Decode(hostAndPath[(slash + 1)..]) : "";

        var builder = new NpgsqlConnectionStringBuilder();
        if (userInfo.Length > 0)
        {
            var colon = userInfo.IndexOf(':');
            builder.Username = Decode(colon >= 0 ? userInfo[..colon] : userInfo);
            if (colon >= 0)
            {
                builder.Password = Decode(userInfo[(colon + 1)..]);
            }
        }
        SetHosts(builder, hosts, source);
        if (database.Length > 0)
        {
            builder.Database = database;
        }
        foreach (var pair in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=');
            var key = Decode(eq >= 0 ? pair[..eq] : pair);
            var value = eq >= 0 ? Decode(pair[(eq + 1)..]) : "";
            SetParameter(builder, key, value, source);
        }
        return builder;
    }

    // libpq allows host1:port1,host2:port2; Npgsql takes the same list in Host, with a default Port.
    private static void SetHosts(NpgsqlConnectionStringBuilder builder, string hosts, string source)
    {
        var parsed = hosts.Split(',').Select(h => SplitHostPort(Decode(h), source)).ToList();
        if (parsed.Any(h => h.Host.Length == 0))
        {
            throw new FormatException($"{source}: the database URL names no host");
        }
        if (parsed.Count == 1)
        {
            builder.Host = parsed[0].Host;
            builder.Port = parsed[0].Port ?? DefaultPort;
            return;
        }
        builder.Host = string.Join(',', parsed.Select(h => $"{h.Host}:{h.Port ?? DefaultPort}"));
        builder.Port = DefaultPort;
    }

    private static (string Host, int? Port) SplitHostPort(string value, string source)
    {
        var hostEnd = value.StartsWith('[') ? value.IndexOf(']') + 1 : 0;
        var colon = value.IndexOf(':', hostEnd);
        if (colon < 0)
        {
            return (value.Trim('[', ']'), null);
        }
        if (!int.TryParse(value[(colon + 1)..], out var port) || port is < 1 or > 65535)
        {
            throw new FormatException($"{source}: the database URL has an invalid port");
        }
        return (value[..colon].Trim('[', ']'), port);
    }

    private static void SetParameter(NpgsqlConnectionStringBuilder builder, string key, string value, string source)
    {
        if (key.Equals("sslmode", StringComparison.OrdinalIgnoreCase))
        {
            value = SslModes.TryGetValue(value, out var mode)
                ? mode
                : throw new FormatException($"{source}: sslmode must be one of {string.Join(", ", SslModes.Keys)}");
        }
        var keyword = LibpqNames.GetValueOrDefault(key, key);
        try
        {
            builder[keyword] = value;
        }
        catch (Exception e) when (e is ArgumentException or FormatException or InvalidCastException)
        {
            throw new FormatException($"{source}: unsupported or invalid parameter '{key}' in the database URL", e);
        }
    }

    private static string Decode(string value) => Uri.UnescapeDataString(value);

    /// <summary>Pool settings for this service, unless the address sets them itself.</summary>
    private static void ApplyDefaults(NpgsqlConnectionStringBuilder builder)
    {
        var given = new NpgsqlConnectionStringBuilder(builder.ConnectionString);
        var explicitKeys = given.Keys.Cast<string>().ToHashSet(StringComparer.OrdinalIgnoreCase);
        void Default(string keyword, object value)
        {
            if (!explicitKeys.Contains(keyword))
            {
                builder[keyword] = value;
            }
        }
        // Managed PostgreSQL plans allow few connections (DigitalOcean's smallest: 22) shared by
        // every server and worker process; one process rarely needs more than a handful at once.
        Default("Maximum Pool Size", 20);
        // Idle connections go back after a minute, so a quiet process holds none of that budget.
        Default("Connection Idle Lifetime", 60);
        // Fail fast when the server is unreachable: the API answers 503 rather than hanging.
        Default("Timeout", 10);
        Default("Command Timeout", 30);
        // Shows up in pg_stat_activity, which is how an operator tells clients apart.
        Default("Application Name", "coderunner");
    }
}
