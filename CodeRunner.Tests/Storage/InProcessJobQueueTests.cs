using CodeRunner.Storage;
using CodeRunner.Storage.InProcess;

namespace CodeRunner.Tests.Storage;

public sealed class InProcessJobQueueTests : JobQueueContract
{
    private readonly InProcessJobQueue _queue = new();

    protected override Task<IJobQueue> CreateQueueAsync() => Task.FromResult<IJobQueue>(_queue);

    protected override Task<long> ClaimedCountAsync() => Task.FromResult((long)_queue.ClaimedCount);

    protected override Task<IReadOnlyDictionary<string, string>> DeadLettersAsync() => Task.FromResult(_queue.DeadLetters);
}
