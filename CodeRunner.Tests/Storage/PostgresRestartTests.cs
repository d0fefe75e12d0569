using CodeRunner.Storage.Postgres;
using CodeRunner.Storage.Sql;
using CodeRunner.Tests.Support;
using Npgsql;

namespace CodeRunner.Tests.Storage;

/// <summary>
/// The store on a private PostgreSQL that the tests kill and restart under it, as a managed
/// database's failover or a crash would, while the app keeps running.
/// </summary>
public sealed class PostgresRestartTests : IAsyncLifetime
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private PostgresServer server = null!;
    private PostgresDatabase database = null!;
    private SqlSubmissionStore store = null!;

    public async Task InitializeAsync()
    {
        server = await PostgresServer.StartAsync();
        var url = PostgresServer.ToUrl(await server.CreateDatabaseAsync());
        database = new PostgresDatabase(PostgresConnectionString.Parse(url, "test"));
        await Migrator.MigrateAsync(database, Ct);
        store = new SqlSubmissionStore(database);
    }

    public async Task DisposeAsync()
    {
        await database.DisposeAsync();
        await server.DisposeAsync();
    }

    private static Submission New() => SubmissionStoreContract.New();

    /// <summary>Several connections in use at once, so the pool holds several idle ones afterwards.</summary>
    private async Task FillThePoolAsync(string token) =>
        await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => Task.Run(() => store.GetAsync(token, Ct))));

    [Fact]
    public async Task Given_server_killed_and_restarted_Then_the_first_read_and_later_writes_work_without_restarting_the_app()
    {
        var before = New();
        await store.InsertAsync([before], Ct);
        await FillThePoolAsync(before.Token);

        await server.StopAsync(kill: true);
        await server.StartAgainAsync();

        // Every pooled connection is dead now; the read meets one, and retries on a new one.
        Assert.Equal(before.Token, (await store.GetAsync(before.Token, Ct))?.Token);
        var after = New();
        await store.InsertAsync([after], Ct);
        Assert.True(await store.MarkProcessingAsync(after.Token, "w1", DateTimeOffset.UtcNow, Ct));
        Assert.Equal(2, (await store.ListAsync(1, 10, Ct)).TotalCount);
        Assert.Equal([before.Token, after.Token], await store.ListUnfinishedTokensAsync(DateTimeOffset.UtcNow.AddMinutes(1), Ct));
    }

    [Fact]
    public async Task Given_server_killed_and_restarted_Then_a_write_fails_at_most_once_and_then_works()
    {
        var before = New();
        await store.InsertAsync([before], Ct);
        await FillThePoolAsync(before.Token);

        await server.StopAsync(kill: true);
        await server.StartAgainAsync();

        var failures = 0;
        for (var attempt = 0; attempt < 3; attempt++)
        {
            try
            {
                await store.InsertAsync([New()], Ct);
            }
            catch (NpgsqlException)
            {
                failures++;
            }
        }
        Assert.InRange(failures, 0, 1);
        Assert.Equal(4 - failures, (await store.ListAsync(1, 10, Ct)).TotalCount);
    }

    [Fact]
    public async Task Given_server_down_Then_reads_and_writes_throw_npgsql_exceptions_and_work_again_after_restart()
    {
        var before = New();
        await store.InsertAsync([before], Ct);
        await FillThePoolAsync(before.Token);

        await server.StopAsync(kill: true);

        await Assert.ThrowsAnyAsync<NpgsqlException>(() => store.GetAsync(before.Token, Ct));
        await Assert.ThrowsAnyAsync<NpgsqlException>(() => store.InsertAsync([New()], Ct));
        await Assert.ThrowsAnyAsync<NpgsqlException>(() => store.CountByStatusAsync(Ct));

        await server.StartAgainAsync();

        Assert.NotNull(await store.GetAsync(before.Token, Ct));
        await store.InsertAsync([New()], Ct);
        Assert.Equal(2, (await store.CountByStatusAsync(Ct))[1]);
    }

    [Fact]
    public async Task Given_server_stopped_gracefully_and_restarted_Then_the_store_works_again()
    {
        var before = New();
        await store.InsertAsync([before], Ct);
        await FillThePoolAsync(before.Token);

        await server.StopAsync();
        await server.StartAgainAsync();

        Assert.NotNull(await store.GetAsync(before.Token, Ct));
        await store.InsertAsync([New()], Ct);
    }
}
