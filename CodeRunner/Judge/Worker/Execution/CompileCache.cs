using System.Security.Cryptography;

namespace CodeRunner.Judge.Worker.Execution;

/// <summary>
/// Compile once, run many (what Judge0 users ask for in judge0#223, without a new API): a batch of
/// test cases is the same program with different stdin, so the worker keeps the outcome of a
/// compilation by what went into it (language, compiler argv, source, additional_files) and gives
/// it to the next identical submission. A failed compilation is kept as its output; a successful
/// one as the box it left, packed by tar inside the sandbox (the host handles bytes, never a path
/// untrusted code could have touched). A build is packed only when its inputs come a second time,
/// so submissions that are never repeated pay nothing. Timeouts and sandbox failures are never
/// kept: they may not happen again. In memory, per worker: at most Worker:CompileCacheMb (0 turns
/// it off), each entry dropped 15 minutes after its last use.
/// </summary>
internal sealed class CompileCache(IOptions<WorkerOptions> options, TimeProvider time)
{
    private static readonly TimeSpan Idle = TimeSpan.FromMinutes(15);
    private const int MaxSeen = 10_000;

    private readonly Lock gate = new();
    private readonly Dictionary<string, (Build Build, DateTimeOffset LastUse)> builds = [];
    private readonly Dictionary<string, DateTimeOffset> seen = [];
    private long bytes;
    private long compiled;
    private long reused;

    /// <param name="Box">The box after a successful compilation, as a tar stream; null for a failed one.</param>
    /// <param name="Output">What the compiler printed (compile_output).</param>
    public sealed record Build(byte[]? Box, byte[]? Output)
    {
        public long Size => (Box?.Length ?? 0) + (Output?.Length ?? 0) + 256;
    }

    public bool Enabled => options.Value.CompileCacheMb > 0;

    /// <summary>Compilations that really ran.</summary>
    public long Compiled => Interlocked.Read(ref compiled);

    /// <summary>Submissions that used a kept build instead of compiling.</summary>
    public long Reused => Interlocked.Read(ref reused);

    public static string Key(int languageId, IReadOnlyList<string> compileArgv, byte[]? source, byte[]? additionalFiles)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        void Part(ReadOnlySpan<byte> part)
        {
            Span<byte> length = stackalloc byte[8];
            BitConverter.TryWriteBytes(length, (long)part.Length);
            hash.AppendData(length);
            hash.AppendData(part);
        }
        Part(BitConverter.GetBytes(languageId));
        foreach (var arg in compileArgv)
        {
            Part(Encoding.UTF8.GetBytes(arg));
        }
        Part(source ?? []);
        Part(additionalFiles ?? []);
        return Convert.ToHexString(hash.GetHashAndReset());
    }

    public bool TryGet(string key, out Build build)
    {
        lock (gate)
        {
            if (Enabled && builds.TryGetValue(key, out var entry) && time.GetUtcNow() - entry.LastUse < Idle)
            {
                builds[key] = (entry.Build, time.GetUtcNow());
                build = entry.Build;
                return true;
            }
        }
        build = null!;
        return false;
    }

    /// <summary>Counts a submission that used a kept build.</summary>
    public void CountReuse() => Interlocked.Increment(ref reused);

    /// <summary>Counts a real compilation; true when its inputs came before, so its box is worth packing.</summary>
    public bool Compiling(string key)
    {
        Interlocked.Increment(ref compiled);
        lock (gate)
        {
            if (!Enabled)
            {
                return false;
            }
            var now = time.GetUtcNow();
            if (seen.TryGetValue(key, out var first) && now - first < Idle)
            {
                return true;
            }
            if (seen.Count >= MaxSeen)
            {
                foreach (var old in seen.Where(s => now - s.Value >= Idle).Select(s => s.Key).ToList())
                {
                    seen.Remove(old);
                }
                if (seen.Count >= MaxSeen)
                {
                    seen.Clear();
                }
            }
            seen[key] = now;
            return false;
        }
    }

    public void Keep(string key, Build build)
    {
        var capacity = options.Value.CompileCacheMb * 1024L * 1024;
        if (!Enabled || build.Size > capacity / 4)
        {
            return;
        }
        lock (gate)
        {
            if (builds.Remove(key, out var replaced))
            {
                bytes -= replaced.Build.Size;
            }
            var now = time.GetUtcNow();
            if (bytes + build.Size > capacity)
            {
                // Full (expired entries are never returned, so they may wait until now): expired
                // first, then least recently used, down to three quarters, so the next keeps do
                // not sort the whole cache again.
                foreach (var (oldKey, old) in builds.OrderBy(b => now - b.Value.LastUse < Idle).ThenBy(b => b.Value.LastUse).ToList())
                {
                    if (bytes + build.Size <= capacity * 3 / 4)
                    {
                        break;
                    }
                    builds.Remove(oldKey);
                    bytes -= old.Build.Size;
                }
            }
            builds[key] = (build, now);
            bytes += build.Size;
        }
    }
}
