using CodeRunner.Storage;
using CodeRunner.Storage.InProcess;

namespace CodeRunner.Tests.Storage;

public sealed class InProcessWorkerRegistryTests : WorkerRegistryContract
{
    protected override Task<IWorkerRegistry> CreateRegistryAsync() => Task.FromResult<IWorkerRegistry>(new InProcessWorkerRegistry(Time, Ttl));
}
