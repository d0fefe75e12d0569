using System.Data;
using System.Globalization;
using Dapper;

namespace CodeRunner.Storage.Sql;

/// <summary>Dapper's process-wide settings the SQL stores rely on; idempotent.</summary>
internal static class DapperSetup
{
    private static int done;

    public static void Ensure()
    {
        if (Interlocked.Exchange(ref done, 1) == 1)
        {
            return;
        }
        DefaultTypeMap.MatchNamesWithUnderscores = true;
        // Dapper maps DateTimeOffset parameters natively, bypassing a handler, unless the native
        // mapping is removed first; then the handler writes UTC for every engine.
        SqlMapper.RemoveTypeMap(typeof(DateTimeOffset));
        SqlMapper.RemoveTypeMap(typeof(DateTimeOffset?));
        SqlMapper.AddTypeHandler(new DateTimeOffsetHandler());
    }

    /// <summary>What a timestamp parameter holds: see <see cref="DateTimeOffsetHandler"/>.</summary>
    internal static object TimestampValue(IDbDataParameter parameter, DateTimeOffset value)
    {
        var utc = value.ToUniversalTime();
        utc = utc.AddTicks(-(utc.Ticks % TimeSpan.TicksPerMicrosecond));
        return parameter is Microsoft.Data.Sqlite.SqliteParameter
            ? utc.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture)
            : utc;
    }

    /// <summary>
    /// SQLite has no timestamp type: timestamps are written as UTC ISO-8601 text (which sorts in
    /// time order) and parsed back; PostgreSQL's timestamptz takes a UTC DateTimeOffset and hands
    /// back a UTC DateTime. Both keep microseconds, PostgreSQL's precision, so that a timestamp
    /// reads back equal whichever engine stored it.
    /// </summary>
    private sealed class DateTimeOffsetHandler : SqlMapper.TypeHandler<DateTimeOffset>
    {
        public override void SetValue(IDbDataParameter parameter, DateTimeOffset value) =>
            parameter.Value = TimestampValue(parameter, value);

        public override DateTimeOffset Parse(object value) => value switch
        {
            DateTimeOffset d => d,
            DateTime d => new DateTimeOffset(DateTime.SpecifyKind(d, d.Kind == DateTimeKind.Unspecified ? DateTimeKind.Utc : d.Kind)),
            string s => DateTimeOffset.Parse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal),
            _ => throw new DataException($"cannot read a timestamp from {value.GetType().Name}"),
        };
    }
}
