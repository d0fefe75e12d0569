namespace CodeRunner.Storage;

/// <summary>Submissions: SQLite by default, PostgreSQL when configured. Same semantics for both.</summary>
public interface ISubmissionStore
{
    /// <summary>Stores all or none of <paramref name="submissions"/>, in one round trip when they are few, and sets their ids.</summary>
    Task InsertAsync(IReadOnlyList<Submission> submissions, CancellationToken ct);

    Task<Submission?> GetAsync(string token, CancellationToken ct);

    /// <summary>One entry per token, in order; null where the token is unknown.</summary>
    Task<IReadOnlyList<Submission?>> GetManyAsync(IReadOnlyList<string> tokens, CancellationToken ct);

    /// <summary>Newest first. <paramref name="page"/> starts at 1.</summary>
    Task<SubmissionPage> ListAsync(int page, int perPage, CancellationToken ct);

    Task<bool> DeleteAsync(string token, CancellationToken ct);

    /// <summary>Deletes every submission named; returns how many existed.</summary>
    Task<int> DeleteManyAsync(IReadOnlyList<string> tokens, CancellationToken ct);

    /// <summary>Tokens still In Queue or Processing created before <paramref name="createdBefore"/>, oldest first (to re-queue what a queue lost).</summary>
    Task<IReadOnlyList<string>> ListUnfinishedTokensAsync(DateTimeOffset createdBefore, CancellationToken ct);

    /// <summary>In Queue → Processing. False when the submission is gone or already final.</summary>
    Task<bool> MarkProcessingAsync(string token, string executionHost, DateTimeOffset startedAt, CancellationToken ct);

    /// <summary>
    /// <see cref="MarkProcessingAsync"/> and <see cref="GetAsync"/> in one round trip: In Queue → Processing,
    /// then the submission as stored. Null when the submission is gone or already final.
    /// </summary>
    Task<Submission?> StartProcessingAsync(string token, string executionHost, DateTimeOffset startedAt, CancellationToken ct);

    /// <summary>Stores a final result once. False when the submission is gone or already final.</summary>
    Task<bool> SaveResultAsync(SubmissionResult result, CancellationToken ct);

    Task<IReadOnlyDictionary<int, long>> CountByStatusAsync(CancellationToken ct);

    /// <summary>Counts for `/statistics`; <paramref name="since"/> bounds the per-day counts (UTC days).</summary>
    Task<SubmissionStatistics> GetStatisticsAsync(DateTimeOffset since, CancellationToken ct);
}

public sealed record SubmissionPage(IReadOnlyList<Submission> Items, long TotalCount);

/// <param name="DatabaseSizeBytes">Size of the whole database, null when the store cannot tell.</param>
public sealed record SubmissionStatistics(
    long Total,
    IReadOnlyDictionary<int, long> ByLanguage,
    IReadOnlyDictionary<int, long> ByStatus,
    IReadOnlyDictionary<DateOnly, long> ByDay,
    long? DatabaseSizeBytes);
