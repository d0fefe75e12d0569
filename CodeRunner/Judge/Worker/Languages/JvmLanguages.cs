using static CodeRunner.Judge.Worker.Languages.LanguageCatalog;

namespace CodeRunner.Judge.Worker.Languages;

/// <summary>
/// Languages of the JVM. Every run is <c>java</c> itself, told the run's memory limit
/// (<c>{jvm_memory}</c>) and given half of it for its heap, so a Judge0 default of 128 MB holds
/// the VM and the heap collects before the cgroup would kill it; the serial collector and shared
/// class data keep the VM small and quick to start. Compilers (their own launch scripts) read
/// <see cref="CompilerOptions"/> from JAVA_OPTS: the quick JIT tier, a 256 MB heap. The JDK's
/// /etc/java-* the sandbox binds for every run (SandboxOptions.EffectiveEtcPaths).
/// </summary>
internal static class JvmLanguages
{
    private const string CompilerOptions = "-Xmx256M -Xms32M -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xshare:auto -XX:-PrintWarnings";

    private static readonly string[] RunFlags = ["-XX:+UseSerialGC", "-Xshare:auto", "{jvm_memory}", "-XX:MaxRAMPercentage=50"];

    private static readonly Dictionary<string, string> CompilerEnvironment = new() { ["JAVA_OPTS"] = CompilerOptions };

    public static IEnumerable<LanguageDefinition> All =>
    [
        new()
        {
            Id = 62, Name = "Java (OpenJDK {version})", SourceFile = "Main.java",
            Tools = new Dictionary<string, string[]> { ["javac"] = ["/usr/bin/javac"], ["java"] = ["/usr/bin/java"] },
            VersionProbe = ("javac", ["-version"]),
            Compile = ["{javac}", "-J-XX:+UseSerialGC", "-J-XX:TieredStopAtLevel=1", "-J-Xshare:auto", "{options}", "Main.java"], CompileDisplay = "/usr/bin/javac %s Main.java",
            Run = ["{java}", .. RunFlags, "Main", "{args}"], RunDisplay = "/usr/bin/java Main",
        },
        new()
        {
            Id = 78, Name = "Kotlin ({version})", SourceFile = "Main.kt",
            Tools = new Dictionary<string, string[]>
            {
                ["kotlinc"] = ["/usr/bin/kotlinc"], ["java"] = ["/usr/bin/java"],
                ["stdlib"] = ["/usr/share/kotlin/kotlinc/lib/kotlin-stdlib.jar", "/usr/share/java/kotlin-stdlib.jar"],
            },
            VersionFromManifestOf = "stdlib",
            Compile = ["{kotlinc}", "{options}", "Main.kt"], CompileDisplay = "/usr/bin/kotlinc %s Main.kt",
            // What `kotlin MainKt` runs, without its launcher script's second JVM start-up path.
            Run = ["{java}", .. RunFlags, "-cp", ".:{stdlib}", "MainKt", "{args}"], RunDisplay = "/usr/bin/kotlin MainKt",
            Environment = CompilerEnvironment,
        },
        new()
        {
            Id = 81, Name = "Scala ({version})", SourceFile = "Main.scala",
            Tools = new Dictionary<string, string[]>
            {
                ["scalac"] = ["/usr/bin/scalac"], ["java"] = ["/usr/bin/java"],
                ["library"] = ["/usr/share/scala-2.11/lib/scala-library.jar", "/usr/share/scala/lib/scala-library.jar"],
            },
            VersionFromPathOf = "library",
            Compile = ["{scalac}", "{options}", "Main.scala"], CompileDisplay = "/usr/bin/scalac %s Main.scala",
            Run = ["{java}", .. RunFlags, "-cp", ".:{library}", "Main", "{args}"], RunDisplay = "/usr/bin/scala Main",
            Environment = CompilerEnvironment,
        },
        new()
        {
            Id = 86, Name = "Clojure ({version})", SourceFile = "main.clj",
            Tools = new Dictionary<string, string[]> { ["java"] = ["/usr/bin/java"], ["clojure"] = ["/usr/share/java/clojure.jar"] },
            VersionFromPathOf = "clojure",
            // Clojure compiles its core at every start: the quick JIT tier halves that (2.1 s to 0.9 s CPU).
            Run = ["{java}", .. RunFlags, "-XX:TieredStopAtLevel=1", "-jar", "{clojure}", "main.clj", "{args}"], RunDisplay = "/usr/bin/java -jar /usr/share/java/clojure.jar main.clj",
        },
        new()
        {
            Id = 88, Name = "Groovy ({version})", SourceFile = "script.groovy",
            Tools = new Dictionary<string, string[]> { ["groovyc"] = ["/usr/bin/groovyc"], ["groovy"] = ["/usr/bin/groovy"], ["java"] = ["/usr/bin/java"] },
            VersionProbe = ("groovy", ["--version"]),
            Compile = ["{groovyc}", "{options}", "script.groovy"], CompileDisplay = "/usr/bin/groovyc %s script.groovy",
            Run = ["{java}", .. RunFlags, "-cp", ".:/usr/share/groovy/lib/*", "script", "{args}"],
            RunDisplay = "/usr/bin/java -cp \".:/usr/share/groovy/lib/*\" script",
            Environment = CompilerEnvironment,
            ReadOnlyPaths = Existing("/etc/groovy"),
        },
    ];
}
