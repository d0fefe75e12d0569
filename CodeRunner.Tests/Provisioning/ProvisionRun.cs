using CliWrap;
using CliWrap.Buffered;

namespace CodeRunner.Tests.Provisioning;

/// <summary>
/// <c>coderunner provision</c> through its real entry point (the built coderunner.dll under the
/// dotnet host), with its own environment, so the token and stdout are that process's alone.
/// </summary>
internal static class ProvisionRun
{
    public const string ReleaseUrl = "https://releases.example.test/coderunner/0.1.0/coderunner";
    public const string ReleaseSha256 = "0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0";

    public sealed record Result(int ExitCode, string Output, string Error)
    {
        public string All => Output + Error;
    }

    public static Task<Result> AgainstAsync(FakeDigitalOcean fake, params string[] extra) =>
        RunAsync(fake.Token, [
            "--api-url", fake.Url.ToString(),
            "--release-url", ReleaseUrl,
            "--release-sha256", ReleaseSha256,
            "--poll-seconds", "0.02",
            "--timeout-minutes", "1",
            .. extra,
        ]);

    public static async Task<Result> RunAsync(string? token, string[] args)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "coderunner.dll");
        var result = await Cli.Wrap(DotnetHost())
            .WithArguments([dll, "provision", .. args])
            .WithEnvironmentVariables(env => env.Set("DIGITALOCEAN_TOKEN", token))
            .WithValidation(CommandResultValidation.None)
            .ExecuteBufferedAsync();
        return new Result(result.ExitCode, result.StandardOutput, result.StandardError);
    }

    private static string DotnetHost() =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";
}
