using System.Globalization;
using System.Text.Json.Nodes;
using CodeRunner.Storage;

namespace CodeRunner.Judge.Server.Info;

/// <summary>
/// /statistics in Judge0's shape, cached for ten minutes like Judge0 (the queries scan the whole
/// table, and the endpoint needs no authorization).
/// </summary>
internal sealed class Statistics(ISubmissionStore store, ILanguageStore languages, TimeProvider time)
{
    private static readonly TimeSpan CacheDuration = TimeSpan.FromMinutes(10);
    private readonly SemaphoreSlim gate = new(1, 1);
    private (JsonObject Body, DateTimeOffset Until)? cached;

    public async Task<JsonObject> GetAsync(bool invalidate, CancellationToken ct)
    {
        await gate.WaitAsync(ct);
        try
        {
            var now = time.GetUtcNow();
            if (invalidate || cached is not { } hit || hit.Until <= now)
            {
                cached = (await BuildAsync(now, ct), now + CacheDuration);
            }
            return (JsonObject)cached.Value.Body.DeepClone();
        }
        finally
        {
            gate.Release();
        }
    }

    private async Task<JsonObject> BuildAsync(DateTimeOffset now, CancellationToken ct)
    {
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        var stats = await store.GetStatisticsAsync(new DateTimeOffset(today.AddDays(-30).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero), ct);
        var names = (await languages.ListAsync(includeArchived: true, ct)).ToDictionary(l => l.Id, l => l.Name);
        var lastDays = new JsonObject();
        for (var day = today.AddDays(-1); day >= today.AddDays(-30); day = day.AddDays(-1))
        {
            lastDays[day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)] = stats.ByDay.GetValueOrDefault(day);
        }
        return new JsonObject
        {
            ["created_at"] = now.ToString("yyyy-MM-dd'T'HH:mm:ss.fffzzz", CultureInfo.InvariantCulture),
            ["cached_until"] = (now + CacheDuration).ToString("yyyy-MM-dd'T'HH:mm:ss.fffzzz", CultureInfo.InvariantCulture),
            ["submissions"] = new JsonObject
            {
                ["total"] = stats.Total,
                ["today"] = stats.ByDay.GetValueOrDefault(today),
                ["last_30_days"] = lastDays,
            },
            ["languages"] = new JsonArray(stats.ByLanguage.OrderByDescending(p => p.Value).Select(p => (JsonNode)new JsonObject
            {
                ["language"] = new JsonObject { ["id"] = p.Key, ["name"] = names.GetValueOrDefault(p.Key) },
                ["count"] = p.Value,
            }).ToArray()),
            ["statuses"] = new JsonArray(stats.ByStatus.OrderByDescending(p => p.Value).Select(p => (JsonNode)new JsonObject
            {
                ["status"] = new JsonObject { ["id"] = p.Key, ["name"] = Status.FromId(p.Key).Description },
                ["count"] = p.Value,
            }).ToArray()),
            ["database"] = new JsonObject
            {
                ["size_pretty"] = stats.DatabaseSizeBytes is { } size ? Pretty(size) : null,
                ["size_in_bytes"] = stats.DatabaseSizeBytes,
            },
        };
    }

    /// <summary>PostgreSQL's pg_size_pretty style: "8192 bytes", "16 kB", "3 MB".</summary>
    private static string Pretty(long bytes)
    {
        string[] units = ["bytes", "kB", "MB", "GB", "TB"];
        var unit = 0;
        var value = (double)bytes;
        while (value >= 10 * 1024 && unit < units.Length - 1)
        {
            value /= 1024;
            unit++;
        }
        return $"{Math.Round(value).ToString(CultureInfo.InvariantCulture)} {units[unit]}";
    }
}
