using CodeRunner.Hosting;
using CodeRunner.Storage;
using CodeRunner.Storage.Postgres;
using CodeRunner.Storage.Sql;
using CodeRunner.Storage.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace CodeRunner.Tests.Storage;

/// <summary>Which engine AddStorage picks from configuration; the app is built, never started.</summary>
public sealed class StorageRegistrationTests
{
    private static async Task<SqlDatabase> ResolveAsync(params (string Key, string? Value)[] settings)
    {
        var builder = HostingModule.CreateBuilder(RunOptions.For(Roles.JudgeServer, settings));
        builder.AddStorage();
        await using var app = builder.Build();
        return app.Services.GetRequiredService<SqlDatabase>();
    }

    [Theory]
    [InlineData("POSTGRES_URL", "postgres://u:p@127.0.0.1:5432/d")]
    [InlineData("DATABASE_URL", "postgresql://u@127.0.0.1/d?sslmode=require")]
    [InlineData("ConnectionStrings:Postgres", "Host=127.0.0.1;Username=u;Database=d")]
    [InlineData("Storage:Postgres", "postgres://u@127.0.0.1/d")]
    public async Task Given_a_postgres_address_under_any_key_Then_postgres_is_the_database(string key, string value)
    {
        Assert.IsType<PostgresDatabase>(await ResolveAsync((key, value)));
    }

    [Fact]
    public async Task Given_no_postgres_address_Then_the_embedded_sqlite_file_is_the_database()
    {
        var path = Path.Combine(Path.GetTempPath(), $"coderunner-{Guid.NewGuid():N}.db");

        Assert.IsType<SqliteDatabase>(await ResolveAsync(("Storage:Sqlite", path)));
    }

    [Fact]
    public async Task Given_malformed_postgres_address_Then_startup_fails_naming_the_key()
    {
        var e = await Assert.ThrowsAsync<FormatException>(() => ResolveAsync(("POSTGRES_URL", "postgres://u:secret@h:0/d")));

        Assert.StartsWith("POSTGRES_URL:", e.Message);
        Assert.DoesNotContain("secret", e.Message);
    }
}
