using CodeRunner.Sandbox;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace CodeRunner.Hosting.Ops;

/// <summary>Times every sandbox run for <see cref="OpsMetrics"/>, around whichever ISandbox is registered.</summary>
internal sealed class MeasuredSandbox(ISandbox inner) : ISandbox, IAsyncDisposable, IDisposable
{
    public int Slots => inner.Slots;

    public IReadOnlyList<string?> SlotProblems => inner.SlotProblems;

    public async ValueTask<IBox> CreateBoxAsync(int slot, CancellationToken ct) =>
        new MeasuredBox(await inner.CreateBoxAsync(slot, ct));

    // The container disposes the registered singleton only: pass it on to the real sandbox.
    public async ValueTask DisposeAsync()
    {
        switch (inner)
        {
            case IAsyncDisposable asyncDisposable:
                await asyncDisposable.DisposeAsync();
                break;
            case IDisposable disposable:
                disposable.Dispose();
                break;
        }
    }

    public void Dispose() => (inner as IDisposable)?.Dispose();

    private sealed class MeasuredBox(IBox inner) : IBox
    {
        public void WriteFile(string relativePath, ReadOnlySpan<byte> content, bool executable = false) =>
            inner.WriteFile(relativePath, content, executable);

        public async Task<SandboxOutcome> RunAsync(SandboxRun run, CancellationToken ct)
        {
            var started = Stopwatch.GetTimestamp();
            var outcome = await inner.RunAsync(run, ct);
            OpsMetrics.SandboxRun(Stopwatch.GetElapsedTime(started).TotalSeconds, outcome.Termination.ToString());
            return outcome;
        }

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }
}

public static class MeasuredSandboxExtensions
{
    /// <summary>Wraps the registered ISandbox so every run lands in the sandbox run time histogram.</summary>
    public static IServiceCollection MeasureSandboxRuns(this IServiceCollection services)
    {
        var registered = services.LastOrDefault(s => s.ServiceType == typeof(ISandbox) && s.ImplementationFactory is not null)
            ?? throw new InvalidOperationException("MeasureSandboxRuns: register the sandbox first (AddSandbox)");
        services.Replace(ServiceDescriptor.Singleton<ISandbox>(sp => new MeasuredSandbox((ISandbox)registered.ImplementationFactory!(sp))));
        return services;
    }
}
