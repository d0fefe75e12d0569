using System.Data.Common;
using Dapper;

namespace CodeRunner.Storage.Sql;

/// <summary>Languages in SQL through Dapper; ordered by name like Judge0's default scope.</summary>
internal sealed class SqlLanguageStore : ILanguageStore
{
    private const string Columns = "id, name, is_archived, source_file, compile_cmd, run_cmd";

    private readonly SqlDatabase database;

    public SqlLanguageStore(SqlDatabase database)
    {
        DapperSetup.Ensure();
        this.database = database;
    }

    public Task<IReadOnlyList<Language>> ListAsync(bool includeArchived, CancellationToken ct) =>
        database.IdempotentAsync<IReadOnlyList<Language>>(async connection =>
        {
            var where = includeArchived ? "" : "WHERE is_archived = @archived";
            var rows = await connection.QueryAsync<LanguageRow>(new CommandDefinition(
                $"SELECT {Columns} FROM languages {where} ORDER BY name, id", new { archived = false }, cancellationToken: ct));
            return rows.Select(r => r.ToLanguage()).ToList();
        }, ct);

    public Task<Language?> GetAsync(int id, CancellationToken ct) =>
        database.IdempotentAsync(async connection =>
        {
            var row = await connection.QuerySingleOrDefaultAsync<LanguageRow>(new CommandDefinition(
                $"SELECT {Columns} FROM languages WHERE id = @id", new { id }, cancellationToken: ct));
            return row?.ToLanguage();
        }, ct);

    // An upsert to the same values: safe to repeat after a dropped connection.
    public Task PublishAsync(IReadOnlyList<Language> available, CancellationToken ct) =>
        database.IdempotentAsync(connection => PublishAsync(connection, available, ct), ct);

    private static async Task<bool> PublishAsync(DbConnection connection, IReadOnlyList<Language> available, CancellationToken ct)
    {
        await using var transaction = await connection.BeginTransactionAsync(ct);
        foreach (var language in available)
        {
            await connection.ExecuteAsync(new CommandDefinition(
                """
                INSERT INTO languages (id, name, is_archived, source_file, compile_cmd, run_cmd)
                VALUES (@Id, @Name, @archived, @SourceFile, @CompileCmd, @RunCmd)
                ON CONFLICT (id) DO UPDATE SET name = excluded.name, is_archived = excluded.is_archived,
                    source_file = excluded.source_file, compile_cmd = excluded.compile_cmd, run_cmd = excluded.run_cmd
                """,
                new { language.Id, language.Name, archived = false, language.SourceFile, language.CompileCmd, language.RunCmd },
                transaction, cancellationToken: ct));
        }
        await transaction.CommitAsync(ct);
        return true;
    }

    // Dapper needs a settable shape; the contract is a positional record.
    private sealed class LanguageRow
    {
        public long Id { get; set; }
        public string Name { get; set; } = "";
        public bool IsArchived { get; set; }
        public string SourceFile { get; set; } = "";
        public string? CompileCmd { get; set; }
        public string RunCmd { get; set; } = "";

        public Language ToLanguage() => new((int)Id, Name, IsArchived, SourceFile, CompileCmd, RunCmd);
    }
}
