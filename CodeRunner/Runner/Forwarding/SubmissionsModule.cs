using System.Text.Json.Nodes;
using Carter;
using CodeRunner.Runner.Auth;
using CodeRunner.Runner.History;
using CodeRunner.Runner.Http;
using CodeRunner.Runner.Limits;
using CodeRunner.Runner.Recording;

namespace CodeRunner.Runner.Forwarding;

/// <summary>
/// The only Judge0 calls the runner forwards: create (one or a batch), show (only the caller's own
/// tokens), languages and statuses. Judge0's answers go back unchanged.
/// </summary>
public sealed class SubmissionsModule : ICarterModule
{
    public void AddRoutes(IEndpointRouteBuilder app)
    {
        app.MapPost("/submissions", CreateAsync);
        app.MapPost("/submissions/batch", CreateBatchAsync);
        app.MapGet("/submissions/batch", ShowBatchAsync).RequireRateLimiting(RunnerRateLimits.Reads);
        app.MapGet("/submissions/{token}", ShowAsync).RequireRateLimiting(RunnerRateLimits.Reads);
        app.MapGet("/languages", (JudgeTier judge, CancellationToken ct) => PassAsync(judge, "languages", ct)).RequireRateLimiting(RunnerRateLimits.Reads);
        app.MapGet("/languages/{id:int}", (int id, JudgeTier judge, CancellationToken ct) => PassAsync(judge, $"languages/{id}", ct)).RequireRateLimiting(RunnerRateLimits.Reads);
        app.MapGet("/statuses", (JudgeTier judge, CancellationToken ct) => PassAsync(judge, "statuses", ct)).RequireRateLimiting(RunnerRateLimits.Reads);
    }

    private static async Task<IResult> PassAsync(JudgeTier judge, string path, CancellationToken ct) =>
        new JudgeResult(await judge.GetAsync(path, ct));

    /// <summary>What both creates read first: the query (checked), then the JSON object body (size-capped).</summary>
    private static async Task<(SubmissionQuery? Query, JsonBody.Parsed? Body, IResult? Error)> ReadCreateAsync(HttpContext context, RunnerOptions options)
    {
        var (query, badQuery) = SubmissionQuery.Parse(context.Request.Query);
        if (badQuery is not null)
        {
            return (null, null, badQuery);
        }
        var (body, badBody) = await JsonBody.ReadObjectAsync(context, options.MaxRequestBytes);
        return (query, body, badBody);
    }

    private static async Task<IResult> CreateAsync(
        HttpContext context, RunnerOptions options, JudgeTier judge, SubmissionLimiter limiter, HistoryRecorder recorder, CancellationToken ct)
    {
        var (query, body, bad) = await ReadCreateAsync(context, options);
        if (bad is not null)
        {
            return bad;
        }
        if (SubmissionValidation.Check(body!.Value) is { } invalid)
        {
            return invalid;
        }
        var (cost, badLimits) = SlotSeconds.Of(body.Value, options);
        if (badLimits is not null)
        {
            return badLimits;
        }
        var caller = Caller.Of(context);
        var owner = caller.Owner;
        var address = ClientAddress.Of(context, options.TrustedProxies);
        if (limiter.TryAcquire(caller, address, cost) is { } refused)
        {
            return refused;
        }
        IReadOnlyList<string> added = [];
        var fields = query!.Wait ? query.ForwardedFields(out added) : query.Fields;
        var reply = await judge.PostAsync("submissions" + query.ToQueryString(includeWait: true, fields), body.Bytes, caller.QueueName(address), ct);
        if (reply.Status != StatusCodes.Status201Created || JudgeJson.Parse(reply.Body) is not JsonObject view)
        {
            return new JudgeResult(reply);
        }
        await recorder.RecordCreatedAsync(owner, [body.Value], query.Base64, [view]);
        return WithoutAddedFields(reply, view, added);
    }

    private static async Task<IResult> CreateBatchAsync(
        HttpContext context, RunnerOptions options, JudgeTier judge, SubmissionLimiter limiter, HistoryRecorder recorder, CancellationToken ct)
    {
        var (query, body, bad) = await ReadCreateAsync(context, options);
        if (bad is not null)
        {
            return bad;
        }
        var (items, invalid) = SubmissionValidation.CheckBatch(body!.Value, options.MaxBatchSize);
        if (invalid is not null)
        {
            return invalid;
        }
        var cost = 0;
        for (var i = 0; i < items!.Count; i++)
        {
            var (one, badLimits) = SlotSeconds.Of(items[i], options, $"submissions[{i}].");
            if (badLimits is not null)
            {
                return badLimits;
            }
            cost += one;
        }
        var caller = Caller.Of(context);
        var owner = caller.Owner;
        var address = ClientAddress.Of(context, options.TrustedProxies);
        if (limiter.TryAcquire(caller, address, cost) is { } refused)
        {
            return refused;
        }
        // Judge0 ignores wait and fields on a batch create; only the encoding matters.
        var reply = await judge.PostAsync("submissions/batch" + query!.ToQueryString(includeWait: false, fields: null), body.Bytes, caller.QueueName(address), ct);
        if (reply.Status == StatusCodes.Status201Created && JudgeJson.Parse(reply.Body) is JsonArray created)
        {
            await recorder.RecordCreatedAsync(owner, items, query.Base64, created.ToList());
        }
        return new JudgeResult(reply);
    }

    private static async Task<IResult> ShowAsync(
        string token, HttpContext context, IHistoryStore store, JudgeTier judge, HistoryRecorder recorder, CancellationToken ct)
    {
        var (query, badQuery) = SubmissionQuery.Parse(context.Request.Query);
        if (badQuery is not null)
        {
            return badQuery;
        }
        var owner = Caller.Of(context).Owner;
        if (!SubmissionValidation.LooksLikeToken(token) || !(await store.OwnedTokensAsync(owner, [token], ct)).Contains(token))
        {
            return RunnerErrors.NotFound();
        }
        var fields = query!.ForwardedFields(out var added);
        var reply = await judge.GetAsync($"submissions/{token}" + query.ToQueryString(includeWait: false, fields), ct);
        if (!reply.IsSuccess || JudgeJson.Parse(reply.Body) is not JsonObject view)
        {
            return new JudgeResult(reply);
        }
        await recorder.RecordResultsAsync(owner, [view]);
        return WithoutAddedFields(reply, view, added);
    }

    /// <summary>The judge's answer as it came, or without the fields the runner asked for only to record history.</summary>
    private static JudgeResult WithoutAddedFields(JudgeReply reply, JsonObject view, IReadOnlyList<string> added)
    {
        if (added.Count == 0)
        {
            return new JudgeResult(reply);
        }
        JudgeJson.Strip(view, added);
        return new JudgeResult(reply, JudgeJson.Serialize(view));
    }

    /// <summary>
    /// GET /submissions/batch?tokens=a,b: tokens that are not the caller's answer null, as unknown
    /// tokens do in Judge0, so nobody learns whether someone else's token exists.
    /// </summary>
    private static async Task<IResult> ShowBatchAsync(
        HttpContext context, RunnerOptions options, IHistoryStore store, JudgeTier judge, HistoryRecorder recorder, CancellationToken ct)
    {
        var (query, badQuery) = SubmissionQuery.Parse(context.Request.Query);
        if (badQuery is not null)
        {
            return badQuery;
        }
        var tokens = (context.Request.Query["tokens"].FirstOrDefault() ?? "")
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (tokens.Length == 0 || tokens.Length > options.MaxBatchSize)
        {
            return RunnerErrors.BadRequest($"tokens must list between 1 and {options.MaxBatchSize} tokens, comma separated", "tokens");
        }
        var owner = Caller.Of(context).Owner;
        var candidates = tokens.Where(SubmissionValidation.LooksLikeToken).Distinct().ToList();
        var owned = candidates.Count == 0 ? new HashSet<string>() : await store.OwnedTokensAsync(owner, candidates, ct);
        var forwarded = candidates.Where(owned.Contains).ToList();
        var found = new Dictionary<string, JsonNode?>();
        JudgeReply? reply = null;
        if (forwarded.Count > 0)
        {
            var fields = query!.ForwardedFields(out var added);
            reply = await judge.GetAsync($"submissions/batch?tokens={Uri.EscapeDataString(string.Join(",", forwarded))}"
                + query.ToQueryString(includeWait: false, fields).Replace('?', '&'), ct);
            if (!reply.IsSuccess || JudgeJson.Parse(reply.Body) is not JsonObject { } answer || answer["submissions"] is not JsonArray views)
            {
                return new JudgeResult(reply);
            }
            await recorder.RecordResultsAsync(owner, views);
            JudgeJson.Strip(answer, added);
            for (var i = 0; i < forwarded.Count && i < views.Count; i++)
            {
                found[forwarded[i]] = views[i];
            }
        }
        var list = new JsonArray();
        foreach (var token in tokens)
        {
            list.Add(found.TryGetValue(token, out var view) ? view?.DeepClone() : null);
        }
        return TypedResults.Json(new JsonObject { ["submissions"] = list }, RunnerErrors.Json);
    }
}
