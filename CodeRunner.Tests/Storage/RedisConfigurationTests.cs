using System.Net;
using CodeRunner.Storage;
using CodeRunner.Storage.Redis;
using CodeRunner.Tests.Support;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using StackExchange.Redis;

namespace CodeRunner.Tests.Storage;

public sealed class RedisConfigurationTests
{
    [Fact]
    public void Given_a_redis_url_Then_host_port_and_database_are_taken_from_it_without_tls()
    {
        var options = Create(("REDIS_URL", "redis://10.0.0.5:6380/2"));

        Assert.Equal("10.0.0.5:6380", HostPort(options));
        Assert.False(options.Ssl);
        Assert.Null(options.Password);
        Assert.Equal(2, options.DefaultDatabase);
    }

    [Fact]
    public void Given_a_digitalocean_rediss_url_Then_tls_user_and_unescaped_password_are_used()
    {
        var options = Create(("REDIS_URL", "rediss://default:p%40ss%3Aw0rd@db-redis-fra1-1.db.ondigitalocean.com:25061"));

        Assert.Equal("db-redis-fra1-1.db.ondigitalocean.com:25061", HostPort(options));
        Assert.True(options.Ssl);
        Assert.Equal("db-redis-fra1-1.db.ondigitalocean.com", options.SslHost);
        Assert.Equal("default", options.User);
        Assert.Equal("p@ss:w0rd", options.Password);
        Assert.Null(options.DefaultDatabase);
    }

    [Fact]
    public void Given_a_url_with_only_a_password_and_no_port_Then_the_default_port_is_used()
    {
        var options = Create(("Storage:Redis", "redis://:secret@cache.internal"));

        Assert.Equal("cache.internal:6379", HostPort(options));
        Assert.Null(options.User);
        Assert.Equal("secret", options.Password);
    }

    [Fact]
    public void Given_judge0_host_port_and_password_Then_they_are_used()
    {
        var options = Create(("REDIS_HOST", "redis"), ("REDIS_PORT", "6390"), ("REDIS_PASSWORD", "judge0pw"));

        Assert.Equal("redis:6390", HostPort(options));
        Assert.Equal("judge0pw", options.Password);
        Assert.False(options.Ssl);
    }

    [Fact]
    public void Given_both_a_url_and_judge0_host_Then_the_url_wins()
    {
        var options = Create(("REDIS_HOST", "redis"), ("REDIS_URL", "redis://other:1234"));

        Assert.Equal("other:1234", HostPort(options));
    }

    [Fact]
    public void Given_a_stackexchange_configuration_string_Then_it_is_accepted_as_is()
    {
        var options = Create(("Storage:Redis", "cache:6381,password=pw,ssl=true"));

        Assert.Equal("cache:6381", HostPort(options));
        Assert.Equal("pw", options.Password);
        Assert.True(options.Ssl);
    }

    [Fact]
    public void Given_any_redis_location_Then_the_connection_starts_without_redis_and_fails_within_the_timeout()
    {
        var options = Create(("REDIS_URL", "redis://127.0.0.1:6379"));

        Assert.False(options.AbortOnConnectFail);
        Assert.Equal(3000, options.ConnectTimeout);
        Assert.Equal(3000, options.SyncTimeout);
        Assert.Equal(3000, options.AsyncTimeout);
        Assert.Same(BacklogPolicy.FailFast, options.BacklogPolicy);
    }

    [Fact]
    public void Given_a_malformed_url_Then_the_error_does_not_repeat_the_password()
    {
        var error = Assert.Throws<InvalidOperationException>(() => Create(("REDIS_URL", "redis://user:hunter2@host:6379/notanumber")));

        Assert.DoesNotContain("hunter2", error.Message);
    }

    [Fact]
    public void Given_no_redis_configured_Then_nothing_is_registered()
    {
        var services = new ServiceCollection();

        Assert.False(services.TryAddRedis(Configuration()));
        Assert.Empty(services);
    }

    [Fact]
    public async Task Given_redis_configured_Then_queue_signal_registry_and_maintenance_come_from_redis_on_one_multiplexer()
    {
        var server = await RedisServer.Shared;
        var directory = Directory.CreateTempSubdirectory("coderunner-reg-").FullName;
        // The reconciler compares the queue with the database, as AddStorage registers it.
        var services = new ServiceCollection().AddLogging()
            .AddSingleton<CodeRunner.Storage.Sql.SqlDatabase>(new CodeRunner.Storage.Sqlite.SqliteDatabase(Path.Combine(directory, "r.db")))
            .AddSingleton<ISubmissionStore, CodeRunner.Storage.Sql.SqlSubmissionStore>();

        Assert.True(services.TryAddRedis(Configuration(("REDIS_URL", server.Url), ("Storage:RedisPrefix", "reg:"), ("Storage:VisibilityTimeoutSeconds", "12"))));
        await using var provider = services.BuildServiceProvider();

        Assert.IsType<RedisJobQueue>(provider.GetRequiredService<IJobQueue>());
        Assert.Same(provider.GetRequiredService<RedisJobQueue>(), provider.GetRequiredService<IJobQueue>());
        Assert.IsType<RedisCompletionSignal>(provider.GetRequiredService<ICompletionSignal>());
        Assert.IsType<RedisWorkerRegistry>(provider.GetRequiredService<IWorkerRegistry>());
        Assert.Contains(provider.GetServices<IHostedService>(), s => s is RedisQueueMaintenance);
        Assert.Contains(provider.GetServices<IHostedService>(), s => s is QueueReconciler);
        Assert.Equal(("reg:", 12.0), (provider.GetRequiredService<RedisOptions>().RedisPrefix, provider.GetRequiredService<RedisOptions>().VisibilityTimeoutSeconds));
        Assert.True(provider.GetRequiredService<IConnectionMultiplexer>().IsConnected);
    }

    private static ConfigurationOptions Create(params (string Key, string Value)[] values)
    {
        Assert.True(RedisConfiguration.TryCreate(Configuration(values), TimeSpan.FromSeconds(3), out var options));
        return options;
    }

    private static IConfiguration Configuration(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();

    private static string HostPort(ConfigurationOptions options) => Assert.Single(options.EndPoints) switch
    {
        DnsEndPoint dns => $"{dns.Host}:{dns.Port}",
        IPEndPoint ip => ip.ToString(),
        var other => other.ToString()!,
    };
}
