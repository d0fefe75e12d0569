using System.Text.Json.Nodes;
using CodeRunner.Runner.Forwarding;

namespace CodeRunner.Runner.Recording;

/// <summary>Language names for history items, from the judge tier's /languages, kept for a few minutes.</summary>
internal sealed class LanguageNames(JudgeTier judge, TimeProvider time)
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(5);
    private volatile Snapshot? _snapshot;

    private sealed record Snapshot(IReadOnlyDictionary<int, string> Names, DateTimeOffset Until);

    /// <summary>Empty when the judge tier cannot say; a history page is still worth answering.</summary>
    public async Task<IReadOnlyDictionary<int, string>> GetAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        if (_snapshot is { } current && current.Until > now)
        {
            return current.Names;
        }
        try
        {
            var reply = await judge.GetAsync("languages", ct);
            if (reply.IsSuccess && JudgeJson.Parse(reply.Body) is JsonArray list)
            {
                var names = list.OfType<JsonObject>()
                    .Where(l => l["id"] is JsonValue id && id.TryGetValue<int>(out _) && l["name"] is JsonValue)
                    .ToDictionary(l => l["id"]!.GetValue<int>(), l => l["name"]!.ToString());
                _snapshot = new Snapshot(names, now + Lifetime);
                return names;
            }
        }
        catch (JudgeUnavailableException)
        {
        }
        return _snapshot?.Names ?? new Dictionary<int, string>();
    }
}
