using System.Runtime.InteropServices;

namespace CodeRunner.Tests.Support;

/// <summary>Waiting for a role to answer, and signalling the processes tests start.</summary>
internal static partial class Health
{
    /// <summary>
    /// Polls GET <paramref name="path"/> until it answers 200. <paramref name="giveUp"/> sees each
    /// answer's body (null when nothing answered) and may end the wait early with a reason;
    /// <paramref name="describe"/> adds context (a process's output) to the failure.
    /// </summary>
    public static async Task WaitAsync(Uri baseUrl, string path, TimeSpan timeout,
        Func<string?, string?>? giveUp = null, Func<string>? describe = null)
    {
        using var http = new HttpClient { BaseAddress = baseUrl, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            string? body = null;
            try
            {
                var response = await http.GetAsync(path);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
                body = await response.Content.ReadAsStringAsync();
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
            }
            var reason = giveUp?.Invoke(body) ?? (DateTime.UtcNow > deadline ? $"not healthy within {timeout.TotalSeconds} s" : null);
            if (reason is not null)
            {
                throw new TimeoutException($"{baseUrl}{path.TrimStart('/')}: {reason} {body}\n{describe?.Invoke()}");
            }
            await Task.Delay(100);
        }
    }

    public const int SigKill = 9;
    public const int SigTerm = 15;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    public static partial int Signal(int pid, int signal);
}
