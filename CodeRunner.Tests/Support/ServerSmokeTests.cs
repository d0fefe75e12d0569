using Npgsql;
using StackExchange.Redis;

namespace CodeRunner.Tests.Support;

public sealed class ServerSmokeTests
{
    [Fact]
    public async Task Given_the_private_postgres_Then_a_fresh_database_answers_and_survives_a_restart()
    {
        await using var server = await PostgresServer.StartAsync();
        var cs = await server.CreateDatabaseAsync();
        await using (var c = new NpgsqlConnection(cs))
        {
            await c.OpenAsync();
            await new NpgsqlCommand("CREATE TABLE t (x int); INSERT INTO t VALUES (42)", c).ExecuteNonQueryAsync();
        }

        await server.StopAsync(kill: true);
        await server.StartAgainAsync();
        NpgsqlConnection.ClearAllPools();

        await using var again = new NpgsqlConnection(cs);
        await again.OpenAsync();
        Assert.Equal(42, await new NpgsqlCommand("SELECT x FROM t", again).ExecuteScalarAsync());
    }

    [Fact]
    public async Task Given_the_private_redis_Then_it_answers_and_comes_back_after_a_stop()
    {
        await using var server = await RedisServer.StartAsync();
        await using var mux = await ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{server.Port},abortConnect=false");

        await mux.GetDatabase().StringSetAsync("k", "v");
        await server.StopAsync();
        await server.StartAgainAsync();

        Assert.True(await mux.GetDatabase().PingAsync() >= TimeSpan.Zero);
    }
}
