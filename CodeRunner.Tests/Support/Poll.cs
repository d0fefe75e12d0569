namespace CodeRunner.Tests.Support;

/// <summary>Reading something that becomes true a moment later (a log line, a counter, a request arriving).</summary>
internal static class Poll
{
    /// <summary>
    /// Reads until <paramref name="done"/> holds or <paramref name="timeout"/> passed, then returns
    /// the last value read: the caller asserts on it, so a timeout fails there with what was seen.
    /// </summary>
    public static async Task<T> UntilAsync<T>(Func<Task<T>> read, Func<T, bool> done, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var value = await read();
            if (done(value) || DateTime.UtcNow >= deadline)
            {
                return value;
            }
            await Task.Delay(50);
        }
    }

    public static Task<T> UntilAsync<T>(Func<T> read, Func<T, bool> done, TimeSpan timeout) =>
        UntilAsync(() => Task.FromResult(read()), done, timeout);
}
