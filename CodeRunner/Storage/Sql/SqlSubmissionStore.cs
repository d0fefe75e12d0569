using System.Collections.Concurrent;
using System.Data;
using System.Data.Common;
using System.Globalization;
using Dapper;

namespace CodeRunner.Storage.Sql;

/// <summary>Submissions in SQL through Dapper; the SQL is portable between SQLite and PostgreSQL.</summary>
internal sealed class SqlSubmissionStore : ISubmissionStore
{
    private const string Columns = """
        id, token, source_code, language_id, stdin, expected_output, stdout, stderr, compile_output,
        message, status_id, created_at, queued_at, started_at, finished_at, updated_at, time, wall_time,
        memory, exit_code, exit_signal, number_of_runs, cpu_time_limit, cpu_extra_time, wall_time_limit,
        memory_limit, stack_limit, max_processes_and_or_threads, enable_per_process_and_thread_time_limit,
        enable_per_process_and_thread_memory_limit, max_file_size, compiler_options, command_line_arguments,
        redirect_stderr_to_stdout, callback_url, additional_files, enable_network, queue_host, execution_host
        """;

    /// <summary>The inserted columns, in order, each with how to read it from a submission.</summary>
    private static readonly (string Column, Func<Submission, object?> Value, DbType Type)[] InsertColumns =
    [
        ("token", s => s.Token, DbType.String),
        ("source_code", s => s.SourceCode, DbType.Binary),
        ("language_id", s => s.LanguageId, DbType.Int32),
        ("stdin", s => s.Stdin, DbType.Binary),
        ("expected_output", s => s.ExpectedOutput, DbType.Binary),
        ("stdout", s => s.Stdout, DbType.Binary),
        ("stderr", s => s.Stderr, DbType.Binary),
        ("compile_output", s => s.CompileOutput, DbType.Binary),
        ("message", s => s.Message, DbType.String),
        ("status_id", s => s.StatusId, DbType.Int32),
        ("created_at", s => s.CreatedAt, DbType.DateTimeOffset),
        ("queued_at", s => s.QueuedAt, DbType.DateTimeOffset),
        ("started_at", s => s.StartedAt, DbType.DateTimeOffset),
        ("finished_at", s => s.FinishedAt, DbType.DateTimeOffset),
        ("updated_at", s => s.UpdatedAt, DbType.DateTimeOffset),
        ("time", s => s.Time, DbType.Decimal),
        ("wall_time", s => s.WallTime, DbType.Decimal),
        ("memory", s => s.Memory, DbType.Int32),
        ("exit_code", s => s.ExitCode, DbType.Int32),
        ("exit_signal", s => s.ExitSignal, DbType.Int32),
        ("number_of_runs", s => s.NumberOfRuns, DbType.Int32),
        ("cpu_time_limit", s => s.CpuTimeLimit, DbType.Decimal),
        ("cpu_extra_time", s => s.CpuExtraTime, DbType.Decimal),
        ("wall_time_limit", s => s.WallTimeLimit, DbType.Decimal),
        ("memory_limit", s => s.MemoryLimit, DbType.Int32),
        ("stack_limit", s => s.StackLimit, DbType.Int32),
        ("max_processes_and_or_threads", s => s.MaxProcessesAndOrThreads, DbType.Int32),
        ("enable_per_process_and_thread_time_limit", s => s.EnablePerProcessAndThreadTimeLimit, DbType.Boolean),
        ("enable_per_process_and_thread_memory_limit", s => s.EnablePerProcessAndThreadMemoryLimit, DbType.Boolean),
        ("max_file_size", s => s.MaxFileSize, DbType.Int32),
        ("compiler_options", s => s.CompilerOptions, DbType.String),
        ("command_line_arguments", s => s.CommandLineArguments, DbType.String),
        ("redirect_stderr_to_stdout", s => s.RedirectStderrToStdout, DbType.Boolean),
        ("callback_url", s => s.CallbackUrl, DbType.String),
        ("additional_files", s => s.AdditionalFiles, DbType.Binary),
        ("enable_network", s => s.EnableNetwork, DbType.Boolean),
        ("queue_host", s => s.QueueHost, DbType.String),
        ("execution_host", s => s.ExecutionHost, DbType.String),
    ];

    /// <summary>
    /// Rows per INSERT statement: many submissions cost one round trip, while the parameters
    /// (one per column and row) stay far below SQLite's 32,766 and PostgreSQL's 65,535.
    /// </summary>
    internal const int RowsPerInsert = 200;

    private static readonly ConcurrentDictionary<int, string> InsertSql = new();

    private readonly SqlDatabase database;

    public SqlSubmissionStore(SqlDatabase database)
    {
        DapperSetup.Ensure();
        this.database = database;
    }

    public async Task InsertAsync(IReadOnlyList<Submission> submissions, CancellationToken ct)
    {
        if (submissions.Count == 0)
        {
            return;
        }
        await using var connection = await database.OpenAsync(ct);
        if (submissions.Count <= RowsPerInsert)
        {
            // One statement is atomic by itself: no transaction, so no BEGIN and COMMIT to send.
            await InsertRowsAsync(connection, null, submissions, ct);
            return;
        }
        await using var transaction = await connection.BeginTransactionAsync(ct);
        foreach (var chunk in submissions.Chunk(RowsPerInsert))
        {
            await InsertRowsAsync(connection, transaction, chunk, ct);
        }
        await transaction.CommitAsync(ct);
    }

    /// <summary>
    /// One multi-row INSERT with positional parameters (no Dapper: its per-parameter name lookups
    /// grow with the square of the row count); the new ids are matched back by token.
    /// </summary>
    private async Task InsertRowsAsync(DbConnection connection, DbTransaction? transaction, IReadOnlyList<Submission> rows, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = InsertSql.GetOrAdd(rows.Count, BuildInsert);
        var position = 0;
        foreach (var row in rows)
        {
            foreach (var (_, read, type) in InsertColumns)
            {
                var parameter = command.CreateParameter();
                if (database.PositionalParameterName(++position) is { } name)
                {
                    parameter.ParameterName = name;
                }
                var value = read(row);
                if (value is null)
                {
                    // A null carries no type of its own.
                    parameter.DbType = type;
                }
                parameter.Value = value switch
                {
                    null => DBNull.Value,
                    DateTimeOffset timestamp => DapperSetup.TimestampValue(parameter, timestamp),
                    _ => value,
                };
                command.Parameters.Add(parameter);
            }
        }
        var byToken = rows.Count == 1 ? null : rows.ToDictionary(s => s.Token, StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var submission = byToken is null ? rows[0] : byToken[reader.GetString(1)];
            submission.Id = reader.GetInt64(0);
        }
    }

    private static string BuildInsert(int rowCount)
    {
        var sql = new StringBuilder("INSERT INTO submissions (")
            .AppendJoin(", ", InsertColumns.Select(c => c.Column))
            .Append(") VALUES ");
        var position = 0;
        for (var r = 0; r < rowCount; r++)
        {
            sql.Append(r == 0 ? "(" : ", (");
            for (var c = 0; c < InsertColumns.Length; c++)
            {
                sql.Append(c == 0 ? "$" : ", $").Append(++position);
            }
            sql.Append(')');
        }
        return sql.Append(" RETURNING id, token").ToString();
    }

    public Task<Submission?> GetAsync(string token, CancellationToken ct) =>
        database.IdempotentAsync(connection => connection.QuerySingleOrDefaultAsync<Submission>(new CommandDefinition(
            $"SELECT {Columns} FROM submissions WHERE token = @token", new { token }, cancellationToken: ct)), ct);

    public async Task<IReadOnlyList<Submission?>> GetManyAsync(IReadOnlyList<string> tokens, CancellationToken ct)
    {
        if (tokens.Count == 0)
        {
            return [];
        }
        var found = await database.IdempotentAsync(async connection =>
        {
            var found = new Dictionary<string, Submission>(StringComparer.Ordinal);
            // SQLite gets one parameter per token; chunks stay under its limit.
            foreach (var chunk in tokens.Distinct(StringComparer.Ordinal).Chunk(500))
            {
                var rows = await connection.QueryAsync<Submission>(new CommandDefinition(
                    $"SELECT {Columns} FROM submissions WHERE {database.InList("token", "@tokens")}",
                    new { tokens = chunk }, cancellationToken: ct));
                foreach (var row in rows)
                {
                    found[row.Token] = row;
                }
            }
            return found;
        }, ct);
        return tokens.Select(t => found.GetValueOrDefault(t)).ToList();
    }

    public Task<SubmissionPage> ListAsync(int page, int perPage, CancellationToken ct) =>
        database.IdempotentAsync(connection => ListAsync(connection, page, perPage, ct), ct);

    private static async Task<SubmissionPage> ListAsync(DbConnection connection, int page, int perPage, CancellationToken ct)
    {
        var total = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT COUNT(*) FROM submissions", cancellationToken: ct));
        var items = await connection.QueryAsync<Submission>(new CommandDefinition(
            $"SELECT {Columns} FROM submissions ORDER BY created_at DESC, id DESC LIMIT @limit OFFSET @offset",
            new { limit = perPage, offset = (long)(page - 1) * perPage }, cancellationToken: ct));
        return new SubmissionPage(items.ToList(), total);
    }

    public async Task<bool> DeleteAsync(string token, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        return await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM submissions WHERE token = @token", new { token }, cancellationToken: ct)) == 1;
    }

    public async Task<int> DeleteManyAsync(IReadOnlyList<string> tokens, CancellationToken ct)
    {
        if (tokens.Count == 0)
        {
            return 0;
        }
        await using var connection = await database.OpenAsync(ct);
        var deleted = 0;
        foreach (var chunk in tokens.Chunk(500))
        {
            deleted += await connection.ExecuteAsync(new CommandDefinition(
                $"DELETE FROM submissions WHERE {database.InList("token", "@tokens")}", new { tokens = chunk }, cancellationToken: ct));
        }
        return deleted;
    }

    public Task<IReadOnlyList<string>> ListUnfinishedTokensAsync(DateTimeOffset createdBefore, CancellationToken ct) =>
        database.IdempotentAsync<IReadOnlyList<string>>(async connection => (await connection.QueryAsync<string>(new CommandDefinition(
            "SELECT token FROM submissions WHERE status_id IN (1, 2) AND created_at < @createdBefore ORDER BY id",
            new { createdBefore }, cancellationToken: ct))).AsList(), ct);

    public async Task<bool> MarkProcessingAsync(string token, string executionHost, DateTimeOffset startedAt, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        // Status 2 is accepted too: a job re-delivered after its worker died is still unfinished.
        return await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE submissions
            SET status_id = 2, execution_host = @executionHost, started_at = @startedAt, updated_at = @startedAt
            WHERE token = @token AND status_id IN (1, 2)
            """,
            new { token, executionHost, startedAt }, cancellationToken: ct)) == 1;
    }

    public async Task<Submission?> StartProcessingAsync(string token, string executionHost, DateTimeOffset startedAt, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        // Same condition as MarkProcessingAsync; RETURNING (PostgreSQL, SQLite ≥ 3.35) saves the separate read.
        return await connection.QuerySingleOrDefaultAsync<Submission>(new CommandDefinition(
            $"""
            UPDATE submissions
            SET status_id = 2, execution_host = @executionHost, started_at = @startedAt, updated_at = @startedAt
            WHERE token = @token AND status_id IN (1, 2)
            RETURNING {Columns}
            """,
            new { token, executionHost, startedAt }, cancellationToken: ct));
    }

    public async Task<bool> SaveResultAsync(SubmissionResult result, CancellationToken ct)
    {
        if (result.StatusId < 3)
        {
            throw new ArgumentException($"status {result.StatusId} is not final", nameof(result));
        }
        await using var connection = await database.OpenAsync(ct);
        // The status condition makes the write happen once, even if two workers finish one job.
        return await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE submissions
            SET status_id = @StatusId, stdout = @Stdout, stderr = @Stderr, compile_output = @CompileOutput,
                message = @Message, time = @Time, wall_time = @WallTime, memory = @Memory,
                exit_code = @ExitCode, exit_signal = @ExitSignal, finished_at = @FinishedAt,
                updated_at = @FinishedAt, execution_host = COALESCE(@ExecutionHost, execution_host)
            WHERE token = @Token AND status_id IN (1, 2)
            """,
            result, cancellationToken: ct)) == 1;
    }

    public Task<IReadOnlyDictionary<int, long>> CountByStatusAsync(CancellationToken ct) =>
        database.IdempotentAsync<IReadOnlyDictionary<int, long>>(async connection =>
        {
            var rows = await connection.QueryAsync<(long Key, long Count)>(new CommandDefinition(
                "SELECT status_id, COUNT(*) FROM submissions GROUP BY status_id", cancellationToken: ct));
            return rows.ToDictionary(r => (int)r.Key, r => r.Count);
        }, ct);

    public Task<SubmissionStatistics> GetStatisticsAsync(DateTimeOffset since, CancellationToken ct) =>
        database.IdempotentAsync(connection => GetStatisticsAsync(connection, since, ct), ct);

    private async Task<SubmissionStatistics> GetStatisticsAsync(DbConnection connection, DateTimeOffset since, CancellationToken ct)
    {
        var total = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT COUNT(*) FROM submissions", cancellationToken: ct));
        var byLanguage = await connection.QueryAsync<(long Key, long Count)>(new CommandDefinition(
            "SELECT language_id, COUNT(*) FROM submissions GROUP BY language_id", cancellationToken: ct));
        var byStatus = await connection.QueryAsync<(long Key, long Count)>(new CommandDefinition(
            "SELECT status_id, COUNT(*) FROM submissions GROUP BY status_id", cancellationToken: ct));
        var day = database.CreatedDayExpression;
        var byDay = await connection.QueryAsync<(string Day, long Count)>(new CommandDefinition(
            $"SELECT {day}, COUNT(*) FROM submissions WHERE created_at >= @since GROUP BY {day}",
            new { since }, cancellationToken: ct));
        return new SubmissionStatistics(
            total,
            byLanguage.ToDictionary(r => (int)r.Key, r => r.Count),
            byStatus.ToDictionary(r => (int)r.Key, r => r.Count),
            byDay.ToDictionary(r => DateOnly.ParseExact(r.Day, "yyyy-MM-dd", CultureInfo.InvariantCulture), r => r.Count),
            await database.SizeInBytesAsync(connection, ct));
    }
}
