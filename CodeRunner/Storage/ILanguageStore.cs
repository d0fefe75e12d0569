namespace CodeRunner.Storage;

/// <summary>
/// The language table. Every known language is present; those no worker has reported a toolchain
/// for are archived, so `/languages` lists exactly what can run.
/// </summary>
public interface ILanguageStore
{
    Task<IReadOnlyList<Language>> ListAsync(bool includeArchived, CancellationToken ct);

    Task<Language?> GetAsync(int id, CancellationToken ct);

    /// <summary>A worker reports the languages it can run: inserted or updated, and un-archived.</summary>
    Task PublishAsync(IReadOnlyList<Language> available, CancellationToken ct);
}
