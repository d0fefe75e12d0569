using CodeRunner.Contracts;
using CodeRunner.Storage;
using CodeRunner.Storage.Sql;
using CodeRunner.Storage.Sqlite;
using Microsoft.Data.Sqlite;

namespace CodeRunner.Tests.Storage;

public sealed class SqliteStoreTests : IAsyncLifetime
{
    private readonly string directory = Directory.CreateTempSubdirectory("coderunner-store-").FullName;
    private SqliteDatabase database = null!;
    private SqlSubmissionStore store = null!;
    private static readonly CancellationToken Ct = CancellationToken.None;

    public async Task InitializeAsync()
    {
        database = new SqliteDatabase(Path.Combine(directory, "store.db"));
        await Migrator.MigrateAsync(database, Ct);
        store = new SqlSubmissionStore(database);
    }

    public Task DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(directory, recursive: true);
        return Task.CompletedTask;
    }

    private static Submission New(DateTimeOffset? created = null, int language = 71) => new()
    {
        Token = Guid.NewGuid().ToString(),
        SourceCode = [0xff, 0x00, 0x41],
        LanguageId = language,
        Stdin = "in"u8.ToArray(),
        CreatedAt = created ?? DateTimeOffset.UtcNow,
        NumberOfRuns = 1,
        CpuTimeLimit = 5.0m,
        CpuExtraTime = 1,
        WallTimeLimit = 10,
        MemoryLimit = 128000,
        StackLimit = 64000,
        MaxProcessesAndOrThreads = 60,
        MaxFileSize = 1024,
        AdditionalFiles = [1, 2, 3],
    };

    [Fact]
    public async Task Given_inserted_submission_Then_get_returns_every_value_including_raw_bytes()
    {
        var submission = New();
        await store.InsertAsync([submission], Ct);

        var read = await store.GetAsync(submission.Token, Ct);

        Assert.NotNull(read);
        Assert.True(read.Id > 0);
        Assert.Equal(submission.SourceCode, read.SourceCode);
        Assert.Equal(submission.AdditionalFiles, read.AdditionalFiles);
        Assert.Equal(5.0m, read.CpuTimeLimit);
        Assert.Equal(submission.CreatedAt, read.CreatedAt);
        Assert.Equal(1, read.StatusId);
        Assert.Null(read.Stdout);
    }

    [Fact]
    public async Task Given_tokens_Then_get_many_keeps_order_and_nulls_unknown()
    {
        var a = New();
        var b = New();
        await store.InsertAsync([a, b], Ct);

        var read = await store.GetManyAsync([b.Token, "nope", a.Token], Ct);

        Assert.Equal([b.Token, null, a.Token], read.Select(s => s?.Token));
    }

    [Fact]
    public async Task Given_submissions_Then_list_pages_newest_first_with_total()
    {
        var start = DateTimeOffset.UtcNow;
        var all = Enumerable.Range(0, 5).Select(i => New(start.AddSeconds(i))).ToList();
        await store.InsertAsync(all, Ct);

        var page = await store.ListAsync(2, 2, Ct);

        Assert.Equal(5, page.TotalCount);
        Assert.Equal([all[2].Token, all[1].Token], page.Items.Select(s => s.Token));
    }

    [Fact]
    public async Task Given_result_Then_saved_once_and_a_second_save_or_mark_is_refused()
    {
        var submission = New();
        await store.InsertAsync([submission], Ct);

        Assert.True(await store.MarkProcessingAsync(submission.Token, "w1", DateTimeOffset.UtcNow, Ct));
        Assert.Equal(2, (await store.GetAsync(submission.Token, Ct))!.StatusId);
        var result = new SubmissionResult(submission.Token, 3, [0xfe, 0x0a], null, null, "ok", 0.001m, 0.01m, 376, 0, null, DateTimeOffset.UtcNow, "w1");
        Assert.True(await store.SaveResultAsync(result, Ct));
        Assert.False(await store.SaveResultAsync(result with { StatusId = 4 }, Ct));
        Assert.False(await store.MarkProcessingAsync(submission.Token, "w2", DateTimeOffset.UtcNow, Ct));

        var read = (await store.GetAsync(submission.Token, Ct))!;
        Assert.Equal(3, read.StatusId);
        Assert.Equal(new byte[] { 0xfe, 0x0a }, read.Stdout);
        Assert.Equal(0.001m, read.Time);
        Assert.Equal(376, read.Memory);
        Assert.Equal("w1", read.ExecutionHost);
    }

    [Fact]
    public async Task Given_unknown_token_Then_mark_save_and_delete_report_false()
    {
        var result = new SubmissionResult("nope", 3, null, null, null, null, null, null, null, null, null, DateTimeOffset.UtcNow, null);

        Assert.False(await store.MarkProcessingAsync("nope", "w", DateTimeOffset.UtcNow, Ct));
        Assert.False(await store.SaveResultAsync(result, Ct));
        Assert.False(await store.DeleteAsync("nope", Ct));
    }

    [Fact]
    public async Task Given_delete_Then_gone()
    {
        var submission = New();
        await store.InsertAsync([submission], Ct);

        Assert.True(await store.DeleteAsync(submission.Token, Ct));
        Assert.Null(await store.GetAsync(submission.Token, Ct));
    }

    [Fact]
    public async Task Given_statuses_Then_count_by_status_and_statistics_group_them()
    {
        var a = New(language: 50);
        var b = New();
        var c = New();
        await store.InsertAsync([a, b, c], Ct);
        await store.SaveResultAsync(new SubmissionResult(a.Token, 6, null, null, null, null, null, null, null, null, null, DateTimeOffset.UtcNow, null), Ct);

        var counts = await store.CountByStatusAsync(Ct);
        var stats = await store.GetStatisticsAsync(DateTimeOffset.UtcNow.AddDays(-1), Ct);

        Assert.Equal(2, counts[1]);
        Assert.Equal(1, counts[6]);
        Assert.Equal(3, stats.Total);
        Assert.Equal(2, stats.ByLanguage[71]);
        Assert.Equal(3, stats.ByDay[DateOnly.FromDateTime(DateTime.UtcNow)]);
        Assert.True(stats.DatabaseSizeBytes > 0);
    }

    [Fact]
    public async Task Given_migrated_database_Then_migrating_again_after_restart_applies_nothing_and_keeps_data()
    {
        var submission = New();
        await store.InsertAsync([submission], Ct);
        SqliteConnection.ClearAllPools();

        var again = await Migrator.MigrateAsync(new SqliteDatabase(database.FilePath), Ct);

        Assert.Equal(0, again);
        Assert.NotNull(await new SqlSubmissionStore(new SqliteDatabase(database.FilePath)).GetAsync(submission.Token, Ct));
    }

    [Fact]
    public async Task Given_migrations_Then_the_file_is_in_wal_mode()
    {
        await using var connection = await database.OpenAsync(Ct);
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode";

        Assert.Equal("wal", (string?)await command.ExecuteScalarAsync());
    }

    [Fact]
    public async Task Given_concurrent_writers_Then_no_busy_errors()
    {
        var writers = Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            for (var i = 0; i < 10; i++)
            {
                await store.InsertAsync([New()], Ct);
            }
        }));

        await Task.WhenAll(writers);

        Assert.Equal(80, (await store.ListAsync(1, 1, Ct)).TotalCount);
    }

    [Fact]
    public async Task Given_published_languages_Then_listed_by_name_and_republishing_updates()
    {
        var languages = new SqlLanguageStore(database);
        await languages.PublishAsync([new Language(71, "Python (3.11.2)", false, "script.py", null, "python3 script.py"), new Language(50, "C (GCC 12)", false, "main.c", "gcc main.c", "./a.out")], Ct);
        await languages.PublishAsync([new Language(71, "Python (3.12.0)", false, "script.py", null, "python3 script.py")], Ct);

        var list = await languages.ListAsync(includeArchived: false, Ct);

        Assert.Equal(["C (GCC 12)", "Python (3.12.0)"], list.Select(l => l.Name));
        Assert.Equal("gcc main.c", (await languages.GetAsync(50, Ct))!.CompileCmd);
        Assert.Null(await languages.GetAsync(1, Ct));
    }
}
