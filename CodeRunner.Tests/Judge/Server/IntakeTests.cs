using System.Net;
using System.Net.Http.Json;
using CodeRunner.Judge;
using CodeRunner.Judge.Server.Submissions;
using CodeRunner.Storage;
using CodeRunner.Storage.InProcess;
using CodeRunner.Storage.Postgres;
using CodeRunner.Storage.Redis;
using CodeRunner.Storage.Sql;
using CodeRunner.Storage.Sqlite;
using CodeRunner.Tests.Storage;
using CodeRunner.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;

namespace CodeRunner.Tests.Judge.Server;

/// <summary>
/// Concurrent creates accepted in batches (one INSERT, one enqueue) against the real stores: the
/// embedded pair (SQLite, in-process queue) and the production pair (PostgreSQL, Redis).
/// </summary>
public sealed class IntakeTests : IAsyncLifetime
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    private readonly List<IAsyncDisposable> _owned = [];
    private readonly string _directory = Directory.CreateTempSubdirectory("coderunner-intake-").FullName;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        for (var i = _owned.Count - 1; i >= 0; i--)
        {
            await _owned[i].DisposeAsync();
        }
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    [Theory]
    [InlineData("sqlite", "in-process")]
    [InlineData("postgres", "redis")]
    public async Task Given_many_concurrent_requests_Then_every_submission_is_stored_and_enqueued_exactly_once_in_fewer_batches(string storeKind, string queueKind)
    {
        var store = await StoreAsync(storeKind);
        var queue = await QueueAsync(queueKind);
        var intake = Own(new Intake(store, queue, new JudgeOptions { MaxQueueSize = 100_000 }, NullLogger<Intake>.Instance));
        // Every fifth request is a batch submission of three.
        var requests = Enumerable.Range(0, 300)
            .Select(i => (IReadOnlyList<Submission>)Enumerable.Range(0, i % 5 == 0 ? 3 : 1).Select(_ => SubmissionStoreContract.New()).ToList())
            .ToList();

        var accepted = await Task.WhenAll(requests.Select(r => Task.Run(() => intake.AcceptAsync(r))));

        Assert.All(accepted, Assert.True);
        var tokens = requests.SelectMany(r => r).Select(s => s.Token).ToList();
        Assert.All(await store.GetManyAsync(tokens, Ct), Assert.NotNull);
        Assert.Equal(tokens.Count, await queue.CountAsync(Ct));
        var claimed = new List<string>();
        for (var i = 0; i < tokens.Count; i++)
        {
            claimed.Add((await queue.ClaimAsync("w", Ct)).Token);
        }
        Assert.Equal(tokens.Order(), claimed.Order());
        Assert.Equal(0, await queue.CountAsync(Ct));
        Assert.InRange(intake.Batches, 1, requests.Count - 1);
    }

    [Theory]
    [InlineData("sqlite", "in-process")]
    [InlineData("postgres", "redis")]
    public async Task Given_a_queue_limit_Then_concurrent_requests_past_it_are_refused_and_leave_no_row(string storeKind, string queueKind)
    {
        var store = await StoreAsync(storeKind);
        var queue = await QueueAsync(queueKind);
        var intake = Own(new Intake(store, queue, new JudgeOptions { MaxQueueSize = 10 }, NullLogger<Intake>.Instance));
        var requests = Enumerable.Range(0, 30).Select(_ => SubmissionStoreContract.New()).ToList();

        var accepted = await Task.WhenAll(requests.Select(r => Task.Run(() => intake.AcceptAsync([r]))));

        Assert.Equal(10, accepted.Count(a => a));
        Assert.Equal(10, await queue.CountAsync(Ct));
        var stored = await store.GetManyAsync(requests.Select(r => r.Token).ToList(), Ct);
        Assert.Equal(accepted, stored.Select(s => s is not null));
        Assert.True(await intake.IsFullAsync(1, Ct));
        Assert.False(await intake.IsFullAsync(0, Ct));
    }

    [Theory]
    [InlineData("sqlite", "redis down")]
    [InlineData("postgres", "redis down")]
    [InlineData("postgres down", "in-process")]
    public async Task Given_a_store_or_queue_that_is_down_Then_every_request_of_the_batch_fails_as_unavailable_and_nothing_is_kept(string storeKind, string queueKind)
    {
        var store = await StoreAsync(storeKind);
        var queue = await QueueAsync(queueKind);
        var intake = Own(new Intake(store, queue, new JudgeOptions { MaxQueueSize = 100_000 }, NullLogger<Intake>.Instance));
        var requests = Enumerable.Range(0, 40).Select(_ => SubmissionStoreContract.New()).ToList();

        var outcomes = await Task.WhenAll(requests.Select(r => Task.Run(async () =>
        {
            try
            {
                return await intake.AcceptAsync([r]) ? null : new InvalidOperationException("refused as full");
            }
            catch (Exception e)
            {
                return e;
            }
        })));

        Assert.All(outcomes, e => Assert.True(e is not null && StorageFailures.IsUnavailable(e), e?.ToString() ?? "accepted"));
        if (!storeKind.EndsWith("down", StringComparison.Ordinal))
        {
            Assert.Equal(0, (await store.ListAsync(1, 1, Ct)).TotalCount);
        }
        if (!queueKind.EndsWith("down", StringComparison.Ordinal))
        {
            Assert.Equal(0, await queue.CountAsync(Ct));
        }
    }

    [Fact]
    public async Task Given_concurrent_posts_Then_each_gets_its_own_token_and_each_token_is_stored_and_queued_once()
    {
        await using var host = await JudgeServerHost.StartAsync(("MAX_QUEUE_SIZE", "1000"));

        var responses = await Task.WhenAll(Enumerable.Range(0, 200).Select(i => Task.Run(async () =>
        {
            using var response = await host.Client.PostAsJsonAsync("/submissions", new { source_code = $"print({i})", language_id = 71 });
            var body = await response.Content.ReadFromJsonAsync<Dictionary<string, string>>();
            return (response.StatusCode, Token: body!["token"], i);
        })));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.Created, r.StatusCode));
        Assert.Equal(200, responses.Select(r => r.Token).Distinct().Count());
        var stored = await host.Store.GetManyAsync(responses.Select(r => r.Token).ToList(), Ct);
        Assert.All(responses.Zip(stored), p => Assert.Equal($"print({p.First.i})", Encoding.UTF8.GetString(p.Second!.SourceCode!)));
        Assert.Equal(200, await host.Queue.CountAsync(Ct));
    }

    [Fact]
    public async Task Given_redis_down_Then_concurrent_posts_all_get_503_and_none_is_stored()
    {
        var redis = Own(await RedisServer.StartAsync());
        await using var host = await JudgeServerHost.StartAsync(("REDIS_URL", redis.Url), ("Storage:RedisTimeoutSeconds", "1"));
        await host.CreateAsync();
        await redis.StopAsync(kill: true);

        var responses = await Task.WhenAll(Enumerable.Range(0, 30).Select(_ => Task.Run(async () =>
        {
            using var response = await host.Client.PostAsJsonAsync("/submissions", new { source_code = "print(1)", language_id = 71 });
            return (response.StatusCode, Body: await response.Content.ReadAsStringAsync());
        })));

        Assert.All(responses, r =>
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, r.StatusCode);
            Assert.Contains("service unavailable", r.Body);
        });
        Assert.Equal(1, (await host.Store.ListAsync(1, 1, Ct)).TotalCount);
    }

    private T Own<T>(T owned) where T : IAsyncDisposable
    {
        _owned.Add(owned);
        return owned;
    }

    private async Task<ISubmissionStore> StoreAsync(string kind)
    {
        SqlDatabase database;
        PostgresServer? privateServer = null;
        switch (kind)
        {
            case "sqlite":
                database = new SqliteDatabase(Path.Combine(_directory, Guid.NewGuid().ToString("N") + ".db"));
                break;
            case "postgres":
                database = new PostgresDatabase(PostgresConnectionString.Parse(PostgresServer.ToUrl(await (await PostgresServer.Shared).CreateDatabaseAsync()), "test"));
                break;
            case "postgres down":
                privateServer = Own(await PostgresServer.StartAsync());
                database = new PostgresDatabase(PostgresConnectionString.Parse(PostgresServer.ToUrl(await privateServer.CreateDatabaseAsync()), "test"));
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(kind));
        }
        if (database is PostgresDatabase postgres)
        {
            Own(postgres);
        }
        await Migrator.MigrateAsync(database, Ct);
        if (privateServer is not null)
        {
            await privateServer.StopAsync(kill: true);
        }
        return new SqlSubmissionStore(database);
    }

    private async Task<IJobQueue> QueueAsync(string kind)
    {
        if (kind == "in-process")
        {
            return new InProcessJobQueue();
        }
        var server = kind == "redis" ? await RedisServer.Shared : Own(await RedisServer.StartAsync());
        var redis = await RedisConnect.ConnectAsync(server);
        var queue = new RedisJobQueue(redis, RedisConnect.Options(visibilityTimeoutSeconds: 30), NullLogger<RedisJobQueue>.Instance);
        Own(new Disposer(async () =>
        {
            await queue.DisposeAsync();
            await redis.DisposeAsync();
        }));
        await queue.StartAsync();
        if (kind == "redis down")
        {
            await server.StopAsync(kill: true);
        }
        return queue;
    }

    private sealed class Disposer(Func<Task> dispose) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync() => await dispose();
    }
}
