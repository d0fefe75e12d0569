using CliWrap;
using CliWrap.Buffered;
using CodeRunner.Tests.Support;

namespace CodeRunner.Tests.Binary;

/// <summary>
/// The single-file <c>coderunner</c>, published once per test run (scripts/test publishes it
/// first and passes CODERUNNER_BINARY), copied alone into an empty folder.
/// </summary>
public sealed class PublishedBinary : IAsyncLifetime
{
    public string Path { get; private set; } = "";

    public string Folder { get; private set; } = "";

    public async Task InitializeAsync()
    {
        var built = Environment.GetEnvironmentVariable("CODERUNNER_BINARY");
        if (string.IsNullOrEmpty(built) || !File.Exists(built))
        {
            var root = RepoRoot();
            var outDir = TestDirectory.Create("coderunner-publish-");
            var result = await Cli.Wrap(System.IO.Path.Combine(root, "scripts", "publish"))
                .WithArguments(["linux-x64", outDir])
                .WithValidation(CommandResultValidation.None)
                .ExecuteBufferedAsync();
            Assert.True(result.ExitCode == 0, result.StandardOutput + result.StandardError);
            built = System.IO.Path.Combine(outDir, "coderunner");
        }
        var folder = Directory.CreateTempSubdirectory("coderunner-bin-");
        File.SetUnixFileMode(folder.FullName, (UnixFileMode)Convert.ToInt32("711", 8));
        Folder = folder.FullName;
        Path = System.IO.Path.Combine(Folder, "coderunner");
        File.Copy(built, Path);
    }

    public Task DisposeAsync()
    {
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
        }
        return Task.CompletedTask;
    }

    private static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(System.IO.Path.Combine(dir.FullName, "CodeRunner.csproj")))
        {
            dir = dir.Parent;
        }
        return dir?.FullName ?? throw new InvalidOperationException("repository root not found");
    }
}
