using CodeRunner.Hosting;
using CodeRunner.Tests.Support;

namespace CodeRunner.Tests.Client;

/// <summary>
/// The whole chain in one process, as <c>--role all</c> runs it: browser → client → runner → lb →
/// judge-server → worker, each on its own loopback port, with a private runner history file.
/// </summary>
public class IdeChain : IAsyncLifetime
{
    private readonly string _history = Path.Combine(Path.GetTempPath(), $"coderunner-client-{Guid.NewGuid():N}.db");
    private RunningApp? _app;

    public Uri ClientUrl => _app!.ClientUrl;

    protected virtual (string Key, string? Value)[] Settings => [];

    public async Task InitializeAsync()
    {
        // Every browser test runs from 127.0.0.1: one address, so one budget unless raised.
        _app = await RunningApp.StartAsync(Roles.All, [("Runner:Sqlite", _history), ("Runner:AddressSlotSecondsMax", "100000"), .. Settings]);
        // The lb sends nothing on until its first probe found the judge-server healthy.
        await Health.WaitAsync(_app.LbUrl, "/health/ready", TimeSpan.FromSeconds(60));
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
        foreach (var file in new[] { _history, _history + "-wal", _history + "-shm" })
        {
            File.Delete(file);
        }
    }
}

/// <summary>The chain with a runner that allows two submissions a minute per session (reads stay plentiful).</summary>
public sealed class RateLimitedIdeChain : IdeChain
{
    protected override (string Key, string? Value)[] Settings =>
        [("RATE_LIMIT_MAX", "2"), ("RATE_LIMIT_WINDOW", "60"), ("Runner:SessionRateLimitMax", "50"), ("Runner:ReadLimitFactor", "100")];
}
