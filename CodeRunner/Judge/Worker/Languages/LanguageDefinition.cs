namespace CodeRunner.Judge.Worker.Languages;

/// <summary>
/// How to build and run one Judge0 language, as argv templates. Tokens: <c>{name}</c> is the
/// resolved path of <see cref="Tools"/>[name]; <c>{options}</c> expands to the submission's
/// compiler options and <c>{args}</c> to its command-line arguments, each word one argv entry;
/// <c>{jvm_memory}</c> tells a JVM the run's memory limit (<c>-XX:MaxRAM=</c>), which it cannot
/// read from a cgroup it does not see, so its heap fits the limit instead of the host.
/// </summary>
internal sealed record LanguageDefinition
{
    public required int Id { get; init; }

    /// <summary>Display name; <c>{version}</c> is replaced by the detected toolchain version.</summary>
    public required string Name { get; init; }

    public required string SourceFile { get; init; }

    /// <summary>Token → candidate paths; the first that exists wins. Every tool must be found.</summary>
    public IReadOnlyDictionary<string, string[]> Tools { get; init; } = new Dictionary<string, string[]>();

    /// <summary>
    /// Run the tools by the paths given, not by the files they link to: a multi-call program
    /// (clang++ is a link to clang) acts by the name it was started as. Its links must stay in /usr.
    /// </summary>
    public bool KeepLinkNames { get; init; }

    /// <summary>Tool token and arguments that print the version (first x.y[.z] in the output is used).</summary>
    public (string Tool, string[] Args)? VersionProbe { get; init; }

    /// <summary>Where the probe's output holds several versions: the one this pattern's group 1 matches.</summary>
    public string? VersionPattern { get; init; }

    /// <summary>A tool whose resolved file name carries the version (e.g. clojure-1.11.1.jar): no probe run.</summary>
    public string? VersionFromPathOf { get; init; }

    /// <summary>A tool that is a jar whose manifest's Implementation-Version is the version: no JVM started.</summary>
    public string? VersionFromManifestOf { get; init; }

    public string[]? Compile { get; init; }

    public required string[] Run { get; init; }

    /// <summary>Judge0's display strings for /languages/{id}.</summary>
    public string? CompileDisplay { get; init; }

    public required string RunDisplay { get; init; }

    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    /// <summary>Written before the source in the box (Erlang: escript skips the first line).</summary>
    public byte[] SourcePrefix { get; init; } = [];

    /// <summary>Host paths outside /usr the toolchain reads (bound read-only).</summary>
    public Func<IReadOnlyList<string>> ReadOnlyPaths { get; init; } = () => [];

    /// <summary>Files written beside the source, computed from the resolved tools.</summary>
    public Func<IReadOnlyDictionary<string, string>, IReadOnlyDictionary<string, byte[]>> ExtraFiles { get; init; } =
        _ => new Dictionary<string, byte[]>();

    /// <summary>The source is a program to execute as it is (Judge0's "Executable").</summary>
    public bool SourceIsExecutable { get; init; }

    /// <summary>No source file: compile/run scripts come from additional_files (Judge0's "Multi-file program").</summary>
    public bool IsMultiFile { get; init; }

    /// <summary>Extra argv entries computed from the resolved tools (e.g. reference assemblies), inserted at <c>{refs}</c>.</summary>
    public Func<IReadOnlyDictionary<string, string>, IReadOnlyList<string>> References { get; init; } = _ => [];
}
