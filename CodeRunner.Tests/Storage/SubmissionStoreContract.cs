using System.Security.Cryptography;
using CodeRunner.Storage;
using CodeRunner.Storage.Sql;

namespace CodeRunner.Tests.Storage;

/// <summary>
/// What every SQL engine behind the shared Dapper stores must do alike. Each engine's subclass
/// supplies fresh, unmigrated databases; every test here runs once per engine.
/// </summary>
public abstract class SubmissionStoreContract : IAsyncLifetime
{
    protected static readonly CancellationToken Ct = CancellationToken.None;

    private readonly List<SqlDatabase> opened = [];

    internal SqlDatabase Database { get; private set; } = null!;

    internal SqlSubmissionStore Store { get; private set; } = null!;

    /// <summary>A new empty database (no migrations applied).</summary>
    internal abstract Task<SqlDatabase> CreateFreshAsync();

    /// <summary>The same database through a new instance, as a restarted process would open it.</summary>
    internal abstract SqlDatabase Reopen(SqlDatabase database);

    internal T Track<T>(T database) where T : SqlDatabase
    {
        opened.Add(database);
        return database;
    }

    public async Task InitializeAsync()
    {
        Database = await CreateFreshAsync();
        await Migrator.MigrateAsync(Database, Ct);
        Store = new SqlSubmissionStore(Database);
    }

    public virtual async Task DisposeAsync()
    {
        foreach (var database in opened)
        {
            if (database is IAsyncDisposable disposable)
            {
                await disposable.DisposeAsync();
            }
        }
    }

    // PostgreSQL keeps microseconds; a test timestamp with 100 ns ticks would not read back equal.
    protected static DateTimeOffset Now() => Microseconds(DateTimeOffset.UtcNow);

    protected static DateTimeOffset Microseconds(DateTimeOffset value) =>
        value.AddTicks(-(value.Ticks % TimeSpan.TicksPerMicrosecond));

    internal static Submission New(DateTimeOffset? created = null, int language = 71) => new()
    {
        Token = Guid.NewGuid().ToString(),
        SourceCode = [0xff, 0x00, 0x41],
        LanguageId = language,
        Stdin = "in"u8.ToArray(),
        CreatedAt = created ?? Now(),
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

    private static SubmissionResult Result(string token, int status, byte[]? stdout = null) =>
        new(token, status, stdout, null, null, null, null, null, null, null, null, DateTimeOffset.UtcNow, null);

    [Fact]
    public async Task Given_inserted_submission_Then_get_returns_every_value_including_raw_bytes()
    {
        var submission = New();
        submission.QueuedAt = Now();
        submission.EnableNetwork = true;
        submission.RedirectStderrToStdout = true;
        submission.CompilerOptions = "-O2";
        await Store.InsertAsync([submission], Ct);

        var read = await Store.GetAsync(submission.Token, Ct);

        Assert.NotNull(read);
        Assert.True(read.Id > 0);
        Assert.Equal(submission.SourceCode, read.SourceCode);
        Assert.Equal(submission.Stdin, read.Stdin);
        Assert.Equal(submission.AdditionalFiles, read.AdditionalFiles);
        Assert.Equal(5.0m, read.CpuTimeLimit);
        Assert.Equal(10m, read.WallTimeLimit);
        Assert.Equal(128000, read.MemoryLimit);
        Assert.Equal(submission.CreatedAt, read.CreatedAt);
        Assert.Equal(submission.QueuedAt, read.QueuedAt);
        Assert.Null(read.StartedAt);
        Assert.True(read.EnableNetwork);
        Assert.True(read.RedirectStderrToStdout);
        Assert.False(read.EnablePerProcessAndThreadTimeLimit);
        Assert.Equal("-O2", read.CompilerOptions);
        Assert.Equal(1, read.StatusId);
        Assert.Null(read.Stdout);
    }

    [Fact]
    public async Task Given_timestamp_with_sub_microsecond_ticks_Then_it_reads_back_to_the_microsecond()
    {
        var submission = New(created: new DateTimeOffset(2024, 2, 29, 23, 59, 59, TimeSpan.FromHours(2)).AddTicks(1234567));
        await Store.InsertAsync([submission], Ct);

        var read = (await Store.GetAsync(submission.Token, Ct))!;

        Assert.Equal(Microseconds(submission.CreatedAt), read.CreatedAt);
        Assert.Equal(TimeSpan.Zero, read.CreatedAt.Offset);
    }

    [Fact]
    public async Task Given_tokens_Then_get_many_keeps_order_and_nulls_unknown()
    {
        var a = New();
        var b = New();
        await Store.InsertAsync([a, b], Ct);

        var read = await Store.GetManyAsync([b.Token, "nope", a.Token, b.Token], Ct);

        Assert.Equal([b.Token, null, a.Token, b.Token], read.Select(s => s?.Token));
    }

    [Fact]
    public async Task Given_more_tokens_than_one_chunk_Then_get_many_finds_them_all()
    {
        var all = Enumerable.Range(0, 1200).Select(_ => New()).ToList();
        await Store.InsertAsync(all, Ct);

        var read = await Store.GetManyAsync(all.Select(s => s.Token).ToList(), Ct);

        Assert.Equal(all.Select(s => s.Token), read.Select(s => s?.Token));
    }

    [Fact]
    public async Task Given_submissions_Then_list_pages_newest_first_with_total()
    {
        var start = Now();
        var all = Enumerable.Range(0, 5).Select(i => New(start.AddSeconds(i))).ToList();
        await Store.InsertAsync(all, Ct);

        var page = await Store.ListAsync(2, 2, Ct);

        Assert.Equal(5, page.TotalCount);
        Assert.Equal([all[2].Token, all[1].Token], page.Items.Select(s => s.Token));
    }

    [Fact]
    public async Task Given_submissions_created_at_the_same_instant_Then_list_breaks_the_tie_by_newest_id()
    {
        var at = Now();
        var all = Enumerable.Range(0, 3).Select(_ => New(at)).ToList();
        await Store.InsertAsync(all, Ct);

        var page = await Store.ListAsync(1, 3, Ct);

        Assert.Equal([all[2].Token, all[1].Token, all[0].Token], page.Items.Select(s => s.Token));
    }

    [Fact]
    public async Task Given_result_Then_saved_once_and_a_second_save_or_mark_is_refused()
    {
        var submission = New();
        await Store.InsertAsync([submission], Ct);

        Assert.True(await Store.MarkProcessingAsync(submission.Token, "w1", DateTimeOffset.UtcNow, Ct));
        Assert.Equal(2, (await Store.GetAsync(submission.Token, Ct))!.StatusId);
        var result = new SubmissionResult(submission.Token, 3, [0xfe, 0x0a], null, null, "ok", 0.001m, 0.01m, 376, 0, null, DateTimeOffset.UtcNow, "w1");
        Assert.True(await Store.SaveResultAsync(result, Ct));
        Assert.False(await Store.SaveResultAsync(result with { StatusId = 4 }, Ct));
        Assert.False(await Store.MarkProcessingAsync(submission.Token, "w2", DateTimeOffset.UtcNow, Ct));

        var read = (await Store.GetAsync(submission.Token, Ct))!;
        Assert.Equal(3, read.StatusId);
        Assert.Equal(new byte[] { 0xfe, 0x0a }, read.Stdout);
        Assert.Equal(0.001m, read.Time);
        Assert.Equal("0.001", read.Time!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(0.01m, read.WallTime);
        Assert.Equal(376, read.Memory);
        Assert.Equal(0, read.ExitCode);
        Assert.Null(read.ExitSignal);
        Assert.Equal("ok", read.Message);
        Assert.Equal("w1", read.ExecutionHost);
        Assert.NotNull(read.FinishedAt);
    }

    [Fact]
    public async Task Given_result_without_execution_host_Then_the_host_marked_processing_is_kept()
    {
        var submission = New();
        await Store.InsertAsync([submission], Ct);
        await Store.MarkProcessingAsync(submission.Token, "w1", DateTimeOffset.UtcNow, Ct);

        await Store.SaveResultAsync(Result(submission.Token, 3), Ct);

        Assert.Equal("w1", (await Store.GetAsync(submission.Token, Ct))!.ExecutionHost);
    }

    [Fact]
    public async Task Given_ten_megabytes_of_non_utf8_output_Then_it_round_trips_exactly()
    {
        var submission = New();
        await Store.InsertAsync([submission], Ct);
        var stdout = RandomNumberGenerator.GetBytes(10 * 1024 * 1024);
        stdout[0] = 0xff;
        stdout[1] = 0x00;
        var stderr = new byte[] { 0xc3, 0x28, 0x00, 0xfe };

        Assert.True(await Store.SaveResultAsync(Result(submission.Token, 3, stdout) with { Stderr = stderr }, Ct));
        var read = (await Store.GetAsync(submission.Token, Ct))!;

        Assert.Equal(stdout.Length, read.Stdout!.Length);
        Assert.True(stdout.AsSpan().SequenceEqual(read.Stdout));
        Assert.Equal(stderr, read.Stderr);
    }

    [Fact]
    public async Task Given_unknown_token_Then_mark_save_and_delete_report_false()
    {
        Assert.False(await Store.MarkProcessingAsync("nope", "w", DateTimeOffset.UtcNow, Ct));
        Assert.False(await Store.SaveResultAsync(Result("nope", 3), Ct));
        Assert.False(await Store.DeleteAsync("nope", Ct));
        Assert.Null(await Store.GetAsync("nope", Ct));
    }

    [Fact]
    public async Task Given_existing_token_Then_inserting_it_again_fails_and_inserts_nothing_of_that_batch()
    {
        var first = New();
        await Store.InsertAsync([first], Ct);
        var fresh = New();
        var duplicate = New();
        duplicate.Token = first.Token;

        await Assert.ThrowsAnyAsync<System.Data.Common.DbException>(() => Store.InsertAsync([fresh, duplicate], Ct));

        Assert.Null(await Store.GetAsync(fresh.Token, Ct));
        Assert.Equal(1, (await Store.ListAsync(1, 10, Ct)).TotalCount);
    }

    [Fact]
    public async Task Given_more_submissions_than_one_insert_statement_holds_Then_all_are_stored_each_with_its_own_id()
    {
        var submissions = Enumerable.Range(0, SqlSubmissionStore.RowsPerInsert * 2 + 7).Select(i => New(language: i)).ToList();

        await Store.InsertAsync(submissions, Ct);

        var stored = await Store.GetManyAsync(submissions.Select(s => s.Token).ToList(), Ct);
        Assert.All(submissions.Zip(stored), pair =>
        {
            Assert.Equal(pair.First.LanguageId, pair.Second!.LanguageId);
            Assert.Equal(pair.First.Id, pair.Second.Id);
        });
        Assert.Equal(submissions.Count, submissions.Select(s => s.Id).Distinct().Count());
    }

    [Fact]
    public async Task Given_a_duplicate_in_the_last_statement_of_a_large_insert_Then_none_of_it_is_stored()
    {
        var first = New();
        await Store.InsertAsync([first], Ct);
        var submissions = Enumerable.Range(0, SqlSubmissionStore.RowsPerInsert + 5).Select(_ => New()).ToList();
        submissions[^1].Token = first.Token;

        await Assert.ThrowsAnyAsync<System.Data.Common.DbException>(() => Store.InsertAsync(submissions, Ct));

        Assert.Equal(1, (await Store.ListAsync(1, 10, Ct)).TotalCount);
    }

    [Fact]
    public async Task Given_tokens_Then_delete_many_removes_exactly_those_and_counts_the_ones_that_existed()
    {
        var submissions = Enumerable.Range(0, 5).Select(_ => New()).ToList();
        await Store.InsertAsync(submissions, Ct);

        var deleted = await Store.DeleteManyAsync([submissions[0].Token, submissions[3].Token, "unknown"], Ct);

        Assert.Equal(2, deleted);
        var left = await Store.GetManyAsync(submissions.Select(s => s.Token).ToList(), Ct);
        Assert.Equal([false, true, true, false, true], left.Select(s => s is not null));
    }

    [Fact]
    public async Task Given_delete_Then_gone()
    {
        var submission = New();
        await Store.InsertAsync([submission], Ct);

        Assert.True(await Store.DeleteAsync(submission.Token, Ct));
        Assert.Null(await Store.GetAsync(submission.Token, Ct));
    }

    [Fact]
    public async Task Given_queued_processing_and_finished_submissions_Then_only_unfinished_tokens_are_listed_oldest_first()
    {
        var queued = New();
        var processing = New();
        var finished = New();
        var queuedLater = New();
        await Store.InsertAsync([queued, processing, finished, queuedLater], Ct);
        await Store.MarkProcessingAsync(processing.Token, "w", DateTimeOffset.UtcNow, Ct);
        await Store.SaveResultAsync(Result(finished.Token, 3), Ct);

        var tokens = await Store.ListUnfinishedTokensAsync(DateTimeOffset.UtcNow.AddMinutes(1), Ct);

        Assert.Equal([queued.Token, processing.Token, queuedLater.Token], tokens);
    }

    [Fact]
    public async Task Given_an_age_bound_Then_unfinished_submissions_created_since_are_left_out()
    {
        var old = New(created: Now().AddMinutes(-10));
        var fresh = New(created: Now());
        await Store.InsertAsync([old, fresh], Ct);

        var tokens = await Store.ListUnfinishedTokensAsync(Now().AddMinutes(-5), Ct);

        Assert.Equal([old.Token], tokens);
    }

    [Fact]
    public async Task Given_statuses_Then_count_by_status_and_statistics_group_them()
    {
        var a = New(language: 50);
        var b = New();
        var c = New();
        var old = New(created: Now().AddDays(-3));
        await Store.InsertAsync([a, b, c, old], Ct);
        await Store.SaveResultAsync(Result(a.Token, 6), Ct);

        var counts = await Store.CountByStatusAsync(Ct);
        var stats = await Store.GetStatisticsAsync(DateTimeOffset.UtcNow.AddDays(-1), Ct);

        Assert.Equal(3, counts[1]);
        Assert.Equal(1, counts[6]);
        Assert.Equal(4, stats.Total);
        Assert.Equal(3, stats.ByLanguage[71]);
        Assert.Equal(1, stats.ByLanguage[50]);
        Assert.Equal(3, stats.ByStatus[1]);
        Assert.Equal(3, stats.ByDay[DateOnly.FromDateTime(DateTime.UtcNow)]);
        Assert.Single(stats.ByDay);
        Assert.True(stats.DatabaseSizeBytes > 0);
    }

    [Fact]
    public async Task Given_submission_just_before_midnight_in_a_positive_offset_Then_statistics_count_it_on_its_utc_day()
    {
        // 00:30 at +02:00 is 22:30 UTC the day before.
        var created = new DateTimeOffset(DateTime.SpecifyKind(DateTime.UtcNow.Date, DateTimeKind.Unspecified).AddMinutes(30), TimeSpan.FromHours(2));
        await Store.InsertAsync([New(created)], Ct);

        var stats = await Store.GetStatisticsAsync(DateTimeOffset.UtcNow.AddDays(-3), Ct);

        Assert.Equal(1, stats.ByDay[DateOnly.FromDateTime(created.UtcDateTime)]);
    }

    [Fact]
    public async Task Given_migrated_database_Then_migrating_again_after_restart_applies_nothing_and_keeps_data()
    {
        var submission = New();
        await Store.InsertAsync([submission], Ct);

        var restarted = Reopen(Database);
        var again = await Migrator.MigrateAsync(restarted, Ct);

        Assert.Empty(again);
        Assert.NotNull(await new SqlSubmissionStore(restarted).GetAsync(submission.Token, Ct));
    }

    [Fact]
    public async Task Given_fresh_database_Then_four_migrators_racing_apply_each_migration_exactly_once()
    {
        var fresh = await CreateFreshAsync();
        var processes = Enumerable.Range(0, 4).Select(_ => Reopen(fresh)).ToList();

        var applied = await Task.WhenAll(processes.Select(p => Task.Run(() => Migrator.MigrateAsync(p, Ct))));

        var expected = Migrator.Embedded(fresh.MigrationsPrefix).Select(m => m.Name).ToList();
        Assert.Equal(expected, applied.SelectMany(a => a).Order(StringComparer.Ordinal));
        await using var connection = await fresh.OpenAsync(Ct);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM schema_version";
        Assert.Equal(expected.Count, Convert.ToInt32(await command.ExecuteScalarAsync()));
    }

    [Fact]
    public async Task Given_concurrent_writers_Then_every_insert_lands()
    {
        var writers = Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            for (var i = 0; i < 10; i++)
            {
                await Store.InsertAsync([New()], Ct);
            }
        }));

        await Task.WhenAll(writers);

        Assert.Equal(80, (await Store.ListAsync(1, 1, Ct)).TotalCount);
    }

    [Fact]
    public async Task Given_published_languages_Then_listed_by_name_and_republishing_updates()
    {
        var languages = new SqlLanguageStore(Database);
        await languages.PublishAsync([new Language(71, "Python (3.11.2)", false, "script.py", null, "python3 script.py"), new Language(50, "C (GCC 12)", false, "main.c", "gcc main.c", "./a.out")], Ct);
        await languages.PublishAsync([new Language(71, "Python (3.12.0)", false, "script.py", null, "python3 script.py")], Ct);

        var list = await languages.ListAsync(includeArchived: false, Ct);

        Assert.Equal(["C (GCC 12)", "Python (3.12.0)"], list.Select(l => l.Name));
        Assert.Equal("gcc main.c", (await languages.GetAsync(50, Ct))!.CompileCmd);
        Assert.Null((await languages.GetAsync(71, Ct))!.CompileCmd);
        Assert.Null(await languages.GetAsync(1, Ct));
    }

    [Fact]
    public async Task Given_archived_language_Then_listed_only_when_archived_ones_are_asked_for()
    {
        var languages = new SqlLanguageStore(Database);
        await languages.PublishAsync([new Language(71, "Python", false, "script.py", null, "python3 script.py")], Ct);
        await using (var connection = await Database.OpenAsync(Ct))
        {
            await using var command = connection.CreateCommand();
            command.CommandText = "INSERT INTO languages (id, name, is_archived, source_file, run_cmd) VALUES (1, 'Old', TRUE, 'a', 'b')";
            await command.ExecuteNonQueryAsync();
        }

        Assert.Equal(["Python"], (await languages.ListAsync(includeArchived: false, Ct)).Select(l => l.Name));
        Assert.Equal(["Old", "Python"], (await languages.ListAsync(includeArchived: true, Ct)).Select(l => l.Name));
        Assert.True((await languages.GetAsync(1, Ct))!.IsArchived);
    }
}
