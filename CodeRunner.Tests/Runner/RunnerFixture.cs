namespace CodeRunner.Tests.Runner;

/// <summary>One runner stack shared by a test class, with two callers' keys made by the CLI.</summary>
public sealed class RunnerFixture : IAsyncLifetime
{
    internal RunnerStack Stack { get; private set; } = null!;

    public string AliceKey { get; private set; } = "";

    public string BobKey { get; private set; } = "";

    public async Task InitializeAsync()
    {
        Stack = await RunnerStack.StartAsync();
        AliceKey = await Stack.CreateKeyAsync("alice");
        BobKey = await Stack.CreateKeyAsync("bob");
    }

    public async Task DisposeAsync() => await Stack.DisposeAsync();
}
