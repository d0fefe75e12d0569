using static CodeRunner.Judge.Worker.Languages.LanguageCatalog;

namespace CodeRunner.Judge.Worker.Languages;

/// <summary>Languages compiled to a native program (or, for OCaml, a bytecode one) the run starts.</summary>
internal static class NativeLanguages
{
    public static IEnumerable<LanguageDefinition> All =>
    [
        new()
        {
            Id = 44, Name = "Executable", SourceFile = "a.out", SourceIsExecutable = true,
            Run = ["./a.out", "{args}"], RunDisplay = "/bin/chmod +x a.out && ./a.out",
        },
        new()
        {
            Id = 45, Name = "Assembly (NASM {version})", SourceFile = "main.asm",
            Tools = new Dictionary<string, string[]> { ["sh"] = Shell, ["nasm"] = ["/usr/bin/nasm"], ["ld"] = ["/usr/bin/ld"] },
            VersionProbe = ("nasm", ["-v"]),
            // Judge0's nasmld: assemble with the options, then link a.out.
            Compile = Script("nasm -f elf64 \"$@\" main.asm -o main.o && ld main.o -o a.out"),
            CompileDisplay = "/usr/bin/nasm -f elf64 %s main.asm -o main.o && /usr/bin/ld main.o -o a.out",
            Run = ["./a.out", "{args}"], RunDisplay = "./a.out",
        },
        Compiled(48, "C (GCC {version})", "/usr/bin/gcc", ["-dumpfullversion"], "main.c", "a.out"),
        Compiled(49, "C (GCC {version})", "/usr/bin/gcc", ["-dumpfullversion"], "main.c", "a.out"),
        Compiled(50, "C (GCC {version})", "/usr/bin/gcc", ["-dumpfullversion"], "main.c", "a.out"),
        Compiled(52, "C++ (GCC {version})", "/usr/bin/g++", ["-dumpfullversion"], "main.cpp", "a.out"),
        Compiled(53, "C++ (GCC {version})", "/usr/bin/g++", ["-dumpfullversion"], "main.cpp", "a.out"),
        Compiled(54, "C++ (GCC {version})", "/usr/bin/g++", ["-dumpfullversion"], "main.cpp", "a.out"),
        Compiled(56, "D (LDC {version})", "/usr/bin/ldc2", ["--version"], "main.d", "main") with { ReadOnlyPaths = Existing("/etc/ldc2.conf") },
        Compiled(59, "Fortran (GFortran {version})", "/usr/bin/gfortran", ["-dumpfullversion"], "main.f90", "a.out"),
        Compiled(60, "Go ({version})", "/usr/bin/go", ["version"], "main.go", "main", before: ["build"], after: ["-o", "main"]) with
        {
            CompileDisplay = "GOCACHE=/tmp/.cache/go-build /usr/bin/go build %s main.go",
            Environment = new Dictionary<string, string>
            {
                ["GOCACHE"] = "/tmp/.cache/go-build", ["GOPATH"] = "/tmp/go", ["GO111MODULE"] = "off", ["CGO_ENABLED"] = "0",
            },
        },
        // Debian keeps GHC's package database under /var/lib/ghc.
        Compiled(61, "Haskell (GHC {version})", "/usr/bin/ghc", ["--numeric-version"], "main.hs", "main") with { ReadOnlyPaths = Existing("/var/lib/ghc") },
        Compiled(65, "OCaml ({version})", "/usr/bin/ocamlc", ["-version"], "main.ml", "a.out"),
        Compiled(67, "Pascal (FPC {version})", "/usr/bin/fpc", ["-iV"], "main.pas", "main") with { ReadOnlyPaths = Existing("/etc/fpc.cfg") },
        Compiled(69, "Prolog (GNU Prolog {version})", "/usr/bin/gplc", ["--version"], "main.pro", "main", before: ["--no-top-level"]),
        Compiled(73, "Rust ({version})", "/usr/bin/rustc", ["--version"], "main.rs", "main"),
        // clang++ is a link to clang that acts by the name it is started as.
        Compiled(75, "C (Clang {version})", "/usr/bin/clang", ["--version"], "main.c", "a.out") with { KeepLinkNames = true },
        Compiled(76, "C++ (Clang {version})", "/usr/bin/clang++", ["--version"], "main.cpp", "a.out") with { KeepLinkNames = true },
        Compiled(77, "COBOL (GnuCOBOL {version})", "/usr/bin/cobc", ["--version"], "main.cob", "main", before: ["-free", "-x"])
            with { ReadOnlyPaths = Existing("/etc/gnucobol") },
        ObjectiveC(),
    ];

    /// <summary>
    /// Judge0's "<c>compiler [before] %s source</c>" then "<c>./program</c>": the options where
    /// its <c>%s</c> is, the command-line arguments after the program.
    /// </summary>
    private static LanguageDefinition Compiled(int id, string name, string compiler, string[] versionArgs, string source, string program,
        string[]? before = null, string[]? after = null) => new()
    {
        Id = id, Name = name, SourceFile = source,
        Tools = Tool("cc", compiler), VersionProbe = ("cc", versionArgs),
        Compile = ["{cc}", .. before ?? [], "{options}", .. after ?? [], source],
        CompileDisplay = string.Join(' ', [compiler, .. before ?? [], "%s", source]),
        Run = ["./" + program, "{args}"], RunDisplay = "./" + program,
    };

    /// <summary>
    /// Clang with GNUstep's Foundation, as Judge0 builds it: gnustep-config's flags without
    /// warnings and -shared-libgcc, GCC's include folder for objc/objc.h, the options last.
    /// </summary>
    private static LanguageDefinition ObjectiveC() => new()
    {
        Id = 79, Name = "Objective-C (Clang {version})", SourceFile = "main.m",
        Tools = new Dictionary<string, string[]>
        {
            ["clang"] = ["/usr/bin/clang"], ["gnustep_config"] = ["/usr/bin/gnustep-config"], ["gcc"] = ["/usr/bin/gcc"],
        },
        VersionProbe = ("clang", ["--version"]),
        Compile = ["{clang}", "{refs}", "main.m", "{options}"],
        CompileDisplay = "/usr/bin/clang `gnustep-config --objc-flags | sed 's/-W[^ ]* //g'` `gnustep-config --base-libs | sed 's/-shared-libgcc//'` -I`gcc -print-file-name=include` main.m %s",
        Run = ["./a.out", "{args}"], RunDisplay = "./a.out",
        References = tools => GnuStep.Flags(tools["gnustep_config"], tools["gcc"]),
        ReadOnlyPaths = Existing("/etc/GNUstep"),
    };
}
