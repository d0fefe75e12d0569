using CodeRunner.Storage;
using CodeRunner.Storage.InProcess;

namespace CodeRunner.Tests.Storage;

public sealed class InProcessCompletionSignalTests : CompletionSignalContract
{
    private readonly InProcessCompletionSignal _signal = new();

    protected override Task<ICompletionSignal> CreateSignalAsync() => Task.FromResult<ICompletionSignal>(_signal);

    protected override int SubscriberCount(string token) => _signal.SubscriberCount(token);
}
