namespace CodeRunner.Provisioning;

/// <summary>What <c>coderunner provision</c> was asked to do (the token is read separately, from the environment).</summary>
internal sealed record ProvisionOptions(
    string Region,
    Uri ApiUrl,
    string? ReleaseUrl,
    string? ReleaseSha256,
    string ReleaseVersion,
    IReadOnlyList<string> SshKeys,
    IReadOnlyList<string> SshFrom,
    string RedisEngine,
    bool DryRun,
    TimeSpan PollInterval,
    TimeSpan WaitTimeout,
    int Servers = 2,
    int Workers = 2,
    string WorkerSize = "s-2vcpu-4gb",
    string Languages = "all");
