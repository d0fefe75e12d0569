using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using CodeRunner.Runner.Forwarding;
using CodeRunner.Runner.History;

namespace CodeRunner.Runner.Recording;

/// <summary>
/// Files every submission a caller creates (source and stdin as plain text: base64 is decoded
/// first) and the result once a reply shows it finished (status id ≥ 3).
/// </summary>
internal sealed class HistoryRecorder(IHistoryStore store, TimeProvider time, ILogger<HistoryRecorder> logger)
{
    public const int FirstFinalStatus = 3;

    /// <summary>Pairs each request item with the judge's reply for it; items the judge refused have no token and are skipped.</summary>
    public async Task RecordCreatedAsync(string owner, IReadOnlyList<JsonObject> requests, bool base64, IReadOnlyList<JsonNode?> replies)
    {
        var now = time.GetUtcNow();
        for (var i = 0; i < requests.Count && i < replies.Count; i++)
        {
            if (replies[i] is not JsonObject reply || Token(reply) is not { } token)
            {
                continue;
            }
            var request = requests[i];
            var entry = new HistoryEntry(
                owner, token, SubmissionValidation.LanguageId(request) ?? 0,
                Text(request, "source_code", base64), Text(request, "stdin", base64),
                now, Summary(reply, now));
            // The submission exists on the judge tier whether or not the caller is still there.
            await Guard(() => store.AddSubmissionAsync(entry, CancellationToken.None), token);
        }
    }

    /// <summary>Stores the results among <paramref name="views"/> that are final.</summary>
    public async Task RecordResultsAsync(string owner, IEnumerable<JsonNode?> views)
    {
        var now = time.GetUtcNow();
        foreach (var view in views.OfType<JsonObject>())
        {
            if (Token(view) is { } token && Summary(view, now) is { StatusId: >= FirstFinalStatus } result)
            {
                await Guard(() => store.UpdateResultAsync(owner, token, result, CancellationToken.None), token);
            }
        }
    }

    public static string? Token(JsonObject view) =>
        view["token"] is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;

    /// <summary>The result a reply shows, or null when it shows no status.</summary>
    public static ResultSummary? Summary(JsonObject view, DateTimeOffset now)
    {
        if (view["status"] is not JsonObject status || status["id"] is not JsonValue id || !id.TryGetValue<int>(out var statusId))
        {
            return null;
        }
        var description = status["description"] is JsonValue d && d.GetValueKind() == JsonValueKind.String ? d.GetValue<string>() : "";
        var timeText = view["time"] is JsonValue t ? t.GetValueKind() switch
        {
            JsonValueKind.String => t.GetValue<string>(),
            JsonValueKind.Number => t.ToJsonString(),
            _ => null,
        } : null;
        long? memory = view["memory"] is JsonValue m && m.TryGetValue<long>(out var kb) ? kb : null;
        DateTimeOffset? finished = null;
        if (statusId >= FirstFinalStatus)
        {
            finished = view["finished_at"] is JsonValue f && f.GetValueKind() == JsonValueKind.String
                && DateTimeOffset.TryParse(f.GetValue<string>(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)
                    ? at
                    : now;
        }
        return new ResultSummary(statusId, description, timeText, memory, finished);
    }

    private static string? Text(JsonObject request, string name, bool base64)
    {
        if (request[name] is not JsonValue v || v.GetValueKind() != JsonValueKind.String)
        {
            return null;
        }
        var text = v.GetValue<string>();
        if (!base64)
        {
            return text;
        }
        try
        {
            return Encoding.UTF8.GetString(Convert.FromBase64String(text));
        }
        catch (FormatException)
        {
            // The judge accepted it, so keep what was sent rather than nothing.
            return text;
        }
    }

    private async Task Guard(Func<Task> write, string token)
    {
        try
        {
            await write();
        }
        catch (Exception e)
        {
            logger.LogError("history: could not record submission {Token}: {Error}", token, e.Message);
        }
    }
}
