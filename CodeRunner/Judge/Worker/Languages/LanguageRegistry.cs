namespace CodeRunner.Judge.Worker.Languages;

/// <summary>The languages this worker found at start, by Judge0 id.</summary>
internal sealed class LanguageRegistry
{
    private volatile IReadOnlyDictionary<int, RunnableLanguage> _byId = new Dictionary<int, RunnableLanguage>();

    public IReadOnlyCollection<RunnableLanguage> All => (IReadOnlyCollection<RunnableLanguage>)_byId.Values;

    public void Set(IReadOnlyList<RunnableLanguage> languages) => _byId = languages.ToDictionary(l => l.Info.Id);

    public RunnableLanguage? Find(int id) => _byId.GetValueOrDefault(id);
}
