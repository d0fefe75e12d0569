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
        Gcc(48, "C (GCC {version})", "gcc", "main.c"),
        Gcc(49, "C (GCC {version})", "gcc", "main.c"),
        Gcc(50, "C (GCC {version})", "gcc", "main.c"),
        Gcc(52, "C++ (GCC {version})", "g++", "main.cpp"),
        Gcc(53, "C++ (GCC {version})", "g++", "main.cpp"),
        Gcc(54, "C++ (GCC {version})", "g++", "main.cpp"),
        new()
        {
            Id = 56, Name = "D (LDC {version})", SourceFile = "main.d",
            Tools = Tool("ldc", "/usr/bin/ldc2"), VersionProbe = ("ldc", ["--version"]),
            Compile = ["{ldc}", "{options}", "main.d"], CompileDisplay = "/usr/bin/ldc2 %s main.d",
            Run = ["./main", "{args}"], RunDisplay = "./main",
            ReadOnlyPaths = Existing("/etc/ldc2.conf"),
        },
        new()
        {
            Id = 59, Name = "Fortran (GFortran {version})", SourceFile = "main.f90",
            Tools = Tool("gfortran", "/usr/bin/gfortran"), VersionProbe = ("gfortran", ["-dumpfullversion"]),
            Compile = ["{gfortran}", "{options}", "main.f90"], CompileDisplay = "/usr/bin/gfortran %s main.f90",
            Run = ["./a.out", "{args}"], RunDisplay = "./a.out",
        },
        new()
        {
            Id = 60, Name = "Go ({version})", SourceFile = "main.go",
            Tools = Tool("go", "/usr/bin/go", "/usr/lib/go/bin/go"), VersionProbe = ("go", ["version"]),
            Compile = ["{go}", "build", "{options}", "-o", "main", "main.go"], CompileDisplay = "GOCACHE=/tmp/.cache/go-build /usr/bin/go build %s main.go",
            Run = ["./main", "{args}"], RunDisplay = "./main",
            Environment = new Dictionary<string, string>
            {
                ["GOCACHE"] = "/tmp/.cache/go-build", ["GOPATH"] = "/tmp/go", ["GO111MODULE"] = "off", ["CGO_ENABLED"] = "0",
            },
        },
        new()
        {
            Id = 61, Name = "Haskell (GHC {version})", SourceFile = "main.hs",
            Tools = Tool("ghc", "/usr/bin/ghc"), VersionProbe = ("ghc", ["--numeric-version"]),
            Compile = ["{ghc}", "{options}", "main.hs"], CompileDisplay = "/usr/bin/ghc %s main.hs",
            Run = ["./main", "{args}"], RunDisplay = "./main",
            // Debian keeps GHC's package database under /var/lib/ghc.
            ReadOnlyPaths = Existing("/var/lib/ghc"),
        },
        new()
        {
            Id = 65, Name = "OCaml ({version})", SourceFile = "main.ml",
            Tools = Tool("ocamlc", "/usr/bin/ocamlc"), VersionProbe = ("ocamlc", ["-version"]),
            Compile = ["{ocamlc}", "{options}", "main.ml"], CompileDisplay = "/usr/bin/ocamlc %s main.ml",
            Run = ["./a.out", "{args}"], RunDisplay = "./a.out",
        },
        new()
        {
            Id = 67, Name = "Pascal (FPC {version})", SourceFile = "main.pas",
            Tools = Tool("fpc", "/usr/bin/fpc"), VersionProbe = ("fpc", ["-iV"]),
            Compile = ["{fpc}", "{options}", "main.pas"], CompileDisplay = "/usr/bin/fpc %s main.pas",
            Run = ["./main", "{args}"], RunDisplay = "./main",
            ReadOnlyPaths = Existing("/etc/fpc.cfg"),
        },
        new()
        {
            Id = 69, Name = "Prolog (GNU Prolog {version})", SourceFile = "main.pro",
            Tools = Tool("gplc", "/usr/bin/gplc"), VersionProbe = ("gplc", ["--version"]),
            Compile = ["{gplc}", "--no-top-level", "{options}", "main.pro"], CompileDisplay = "/usr/bin/gplc --no-top-level %s main.pro",
            Run = ["./main", "{args}"], RunDisplay = "./main",
        },
        new()
        {
            Id = 73, Name = "Rust ({version})", SourceFile = "main.rs",
            Tools = Tool("rustc", "/usr/bin/rustc"), VersionProbe = ("rustc", ["--version"]),
            Compile = ["{rustc}", "{options}", "main.rs"], CompileDisplay = "/usr/bin/rustc %s main.rs",
            Run = ["./main", "{args}"], RunDisplay = "./main",
        },
        Clang(75, "C (Clang {version})", "clang", "main.c"),
        Clang(76, "C++ (Clang {version})", "clang++", "main.cpp"),
        new()
        {
            Id = 77, Name = "COBOL (GnuCOBOL {version})", SourceFile = "main.cob",
            Tools = Tool("cobc", "/usr/bin/cobc"), VersionProbe = ("cobc", ["--version"]),
            Compile = ["{cobc}", "-free", "-x", "{options}", "main.cob"], CompileDisplay = "/usr/bin/cobc -free -x %s main.cob",
            Run = ["./main", "{args}"], RunDisplay = "./main",
            ReadOnlyPaths = Existing("/etc/gnucobol"),
        },
        ObjectiveC(),
    ];

    private static LanguageDefinition Gcc(int id, string name, string compiler, string source) => new()
    {
        Id = id, Name = name, SourceFile = source,
        Tools = Tool("cc", $"/usr/bin/{compiler}"), VersionProbe = ("cc", ["-dumpfullversion"]),
        Compile = ["{cc}", "{options}", source], CompileDisplay = $"/usr/bin/{compiler} %s {source}",
        Run = ["./a.out", "{args}"], RunDisplay = "./a.out",
    };

    private static LanguageDefinition Clang(int id, string name, string compiler, string source) => new()
    {
        Id = id, Name = name, SourceFile = source, KeepLinkNames = true,
        Tools = Tool("cc", $"/usr/bin/{compiler}"), VersionProbe = ("cc", ["--version"]),
        Compile = ["{cc}", "{options}", source], CompileDisplay = $"/usr/bin/{compiler} %s {source}",
        Run = ["./a.out", "{args}"], RunDisplay = "./a.out",
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
