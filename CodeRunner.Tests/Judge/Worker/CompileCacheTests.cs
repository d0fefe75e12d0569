using CodeRunner.Judge.Worker;
using CodeRunner.Judge.Worker.Execution;
using Microsoft.Extensions.Options;

namespace CodeRunner.Tests.Judge.Worker;

public sealed class CompileCacheTests
{
    private static CompileCache Cache(int mb) => new(Options.Create(new WorkerOptions { CompileCacheMb = mb }), TimeProvider.System);

    [Fact]
    public void Given_more_builds_than_fit_Then_the_least_recently_used_go_and_the_rest_stay_within_the_limit()
    {
        var cache = Cache(mb: 1);
        var build = new CompileCache.Build(new byte[200 * 1024], Output: null);

        for (var i = 0; i < 10; i++)
        {
            cache.Keep($"k{i}", build);
            if (i >= 1)
            {
                Assert.True(cache.TryGet("k0", out _)); // used again, so never the least recent
            }
        }

        var kept = Enumerable.Range(0, 10).Where(i => cache.TryGet($"k{i}", out _)).ToList();
        Assert.Contains(0, kept);
        Assert.Contains(9, kept);
        Assert.DoesNotContain(1, kept);
        Assert.True(kept.Count * build.Size <= 1024 * 1024, $"kept {kept.Count}");
    }

    [Fact]
    public void Given_a_build_over_a_quarter_of_the_limit_Then_it_is_not_kept()
    {
        var cache = Cache(mb: 1);

        cache.Keep("big", new CompileCache.Build(new byte[300 * 1024], Output: null));

        Assert.False(cache.TryGet("big", out _));
    }

    [Fact]
    public void Given_the_cache_off_Then_nothing_is_kept_and_no_build_is_worth_packing()
    {
        var cache = Cache(mb: 0);

        cache.Keep("k", new CompileCache.Build(null, "error"u8.ToArray()));

        Assert.False(cache.TryGet("k", out _));
        Assert.False(cache.Compiling("k"));
        Assert.False(cache.Compiling("k"));
    }
}
