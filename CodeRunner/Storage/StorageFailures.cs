using System.Net.Sockets;
using Npgsql;
using StackExchange.Redis;

namespace CodeRunner.Storage;

/// <summary>
/// Tells an outage of a store or the queue (worth a 503 and a retry) from a bug (a 500). Only
/// this module knows which client libraries sit behind the interfaces.
/// </summary>
public static class StorageFailures
{
    public static bool IsUnavailable(Exception exception) => exception switch
    {
        RedisConnectionException or RedisTimeoutException => true,
        // Connection lost or refused, server shutting down or starting up, too many connections.
        PostgresException pg => pg.IsTransient || pg.SqlState.StartsWith("08", StringComparison.Ordinal) || pg.SqlState is "57P01" or "57P02" or "57P03",
        NpgsqlException npgsql => npgsql.IsTransient || npgsql.InnerException is SocketException or IOException or TimeoutException,
        SocketException => true,
        TimeoutException => exception.StackTrace?.Contains("Npgsql", StringComparison.Ordinal) == true,
        AggregateException aggregate => aggregate.InnerExceptions.Any(IsUnavailable),
        _ => exception.InnerException is { } inner && IsUnavailable(inner),
    };
}
