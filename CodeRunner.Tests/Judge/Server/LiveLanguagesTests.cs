using System.Net;
using CodeRunner.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace CodeRunner.Tests.Judge.Server;

/// <summary>The languages of the live workers decide what /languages lists and what a create accepts.</summary>
public sealed class LiveLanguagesTests : IAsyncLifetime
{
    private JudgeServerHost host = null!;

    public async Task InitializeAsync() => host = await JudgeServerHost.StartAsync();

    public async Task DisposeAsync() => await host.DisposeAsync();

    private Task BeatAsync(string id, DateTimeOffset seen, params int[] languages) =>
        host.Services.GetRequiredService<IWorkerRegistry>().HeartbeatAsync(new WorkerState(id, "h", 2, 0, false, 0, seen, languages), CancellationToken.None).AsTask();

    [Fact]
    public async Task Given_live_workers_without_a_toolchain_Then_its_language_is_not_listed_and_a_submission_for_it_is_a_422_naming_the_id()
    {
        await BeatAsync("python-only", DateTimeOffset.UtcNow, 71);

        var (listStatus, list) = await host.GetAsync("/languages");
        var (cStatus, c) = await host.PostAsync("/submissions", new { source_code = "int main(){}", language_id = 50 });
        var (pythonStatus, _) = await host.PostAsync("/submissions", new { source_code = "print(1)", language_id = 71 });
        var (detailStatus, _) = await host.GetAsync("/languages/50");

        Assert.Equal(HttpStatusCode.OK, listStatus);
        Assert.Equal("""[{"id":71,"name":"Python (3.11.2)"}]""", list!.ToJsonString());
        Assert.Equal(HttpStatusCode.UnprocessableEntity, cStatus);
        Assert.Equal("""{"language_id":["language with id 50 is not available on any running worker"]}""", c!.ToJsonString());
        Assert.Equal(HttpStatusCode.Created, pythonStatus);
        Assert.Equal(HttpStatusCode.OK, detailStatus);
    }

    [Fact]
    public async Task Given_the_only_worker_with_a_toolchain_gone_silent_Then_its_language_is_refused_while_another_worker_lives()
    {
        await BeatAsync("with-c", DateTimeOffset.UtcNow.AddMinutes(-10), 50, 71);
        await BeatAsync("python-only", DateTimeOffset.UtcNow, 71);

        var (status, _) = await host.PostAsync("/submissions", new { source_code = "int main(){}", language_id = 50 });

        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
    }

    [Fact]
    public async Task Given_no_live_worker_at_all_Then_every_published_language_is_accepted_and_waits_in_the_queue()
    {
        await BeatAsync("long-gone", DateTimeOffset.UtcNow.AddMinutes(-10), 71);

        var (status, _) = await host.PostAsync("/submissions", new { source_code = "int main(){}", language_id = 50 });
        var (_, list) = await host.GetAsync("/languages");

        Assert.Equal(HttpStatusCode.Created, status);
        Assert.Equal(2, list!.AsArray().Count);
    }
}
