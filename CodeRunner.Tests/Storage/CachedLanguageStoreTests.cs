using CodeRunner.Storage;
using CodeRunner.Storage.Sql;
using CodeRunner.Storage.Sqlite;

namespace CodeRunner.Tests.Storage;

public sealed class CachedLanguageStoreTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("coderunner-langcache-").FullName;

    private static Language Lang(int id, string name) => new(id, name, false, "main.x", null, "./run");

    private async Task<SqlDatabase> DatabaseAsync()
    {
        var database = new SqliteDatabase(Path.Combine(directory, "languages.db"));
        await Migrator.MigrateAsync(database, CancellationToken.None);
        return database;
    }

    [Fact]
    public async Task Given_a_publish_through_the_cache_Then_it_is_visible_at_once()
    {
        var cached = new CachedLanguageStore(new SqlLanguageStore(await DatabaseAsync()), TimeProvider.System, TimeSpan.FromMinutes(5));
        Assert.Empty(await cached.ListAsync(includeArchived: false, CancellationToken.None));

        await cached.PublishAsync([Lang(71, "Python (3.11.2)")], CancellationToken.None);

        Assert.Equal("Python (3.11.2)", (await cached.GetAsync(71, CancellationToken.None))!.Name);
    }

    [Fact]
    public async Task Given_a_publish_by_another_process_Then_it_appears_once_the_cache_expires()
    {
        var database = await DatabaseAsync();
        var cached = new CachedLanguageStore(new SqlLanguageStore(database), TimeProvider.System, TimeSpan.FromSeconds(1));
        Assert.Empty(await cached.ListAsync(includeArchived: false, CancellationToken.None));

        await new SqlLanguageStore(database).PublishAsync([Lang(50, "C (GCC 12.2.0)")], CancellationToken.None);

        Assert.Empty(await cached.ListAsync(includeArchived: false, CancellationToken.None));
        await Task.Delay(1100);
        Assert.Single(await cached.ListAsync(includeArchived: false, CancellationToken.None));
    }

    [Fact]
    public async Task Given_a_language_unknown_to_the_cache_Then_a_lookup_soon_after_its_publish_finds_it()
    {
        var database = await DatabaseAsync();
        var cached = new CachedLanguageStore(new SqlLanguageStore(database), TimeProvider.System, TimeSpan.FromMinutes(5));
        Assert.Null(await cached.GetAsync(62, CancellationToken.None));

        await new SqlLanguageStore(database).PublishAsync([Lang(62, "Java (OpenJDK 17.0.15)")], CancellationToken.None);
        await Task.Delay(300);

        Assert.NotNull(await cached.GetAsync(62, CancellationToken.None));
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(directory, recursive: true);
    }
}
