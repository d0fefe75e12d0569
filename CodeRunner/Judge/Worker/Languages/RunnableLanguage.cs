namespace CodeRunner.Judge.Worker.Languages;

/// <summary>A language whose toolchain was found on this worker, with every path resolved.</summary>
internal sealed class RunnableLanguage(
    LanguageDefinition definition,
    Language info,
    IReadOnlyDictionary<string, string> tools,
    IReadOnlyList<string> readOnlyPaths)
{
    public Language Info { get; } = info;

    public LanguageDefinition Definition { get; } = definition;

    public IReadOnlyList<string> ReadOnlyPaths { get; } = readOnlyPaths;

    public IReadOnlyDictionary<string, string> Environment => Definition.Environment;

    public IReadOnlyDictionary<string, byte[]> ExtraFiles { get; } = definition.ExtraFiles(tools);

    private readonly IReadOnlyList<string> _references = definition.References(tools);

    public bool HasCompileStep => Definition.Compile is not null;

    public IReadOnlyList<string> CompileArgv(IReadOnlyList<string> options, long memoryKb) => Expand(Definition.Compile!, options, memoryKb);

    public IReadOnlyList<string> RunArgv(IReadOnlyList<string> args, long memoryKb) => Expand(Definition.Run, args, memoryKb);

    private List<string> Expand(string[] template, IReadOnlyList<string> words, long memoryKb)
    {
        var argv = new List<string>(template.Length + words.Count + _references.Count);
        foreach (var part in template)
        {
            switch (part)
            {
                case "{options}" or "{args}":
                    argv.AddRange(words);
                    break;
                case "{refs}":
                    argv.AddRange(_references);
                    break;
                case "{jvm_memory}":
                    argv.Add($"-XX:MaxRAM={memoryKb}k");
                    break;
                case var text when text.Contains('{'):
                    // A tool, alone ("{java}") or inside a longer entry (a class path ".:{stdlib}").
                    argv.Add(tools.Aggregate(text, (t, tool) => t.Replace("{" + tool.Key + "}", tool.Value, StringComparison.Ordinal)));
                    break;
                default:
                    argv.Add(part);
                    break;
            }
        }
        return argv;
    }
}
