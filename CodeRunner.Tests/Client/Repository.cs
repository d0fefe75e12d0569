namespace CodeRunner.Tests.Client;

/// <summary>The checkout the tests were built from (where docs/ lives).</summary>
internal static class Repository
{
    public static string Root { get; } = Find();

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "CodeRunner.csproj")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException($"no CodeRunner.csproj above {AppContext.BaseDirectory}");
    }
}
