using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using CodeRunner.Contracts;
using CodeRunner.Hosting;
using CodeRunner.Tests.Support;
using CodeRunner.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace CodeRunner.Tests.Judge.Server;

/// <summary>The real judge-server on a free loopback port with its own SQLite file.</summary>
public sealed class JudgeServerHost : IAsyncDisposable
{
    public static readonly Language Python = new(71, "Python (3.11.2)", false, "script.py", null, "/usr/bin/python3 script.py");
    public static readonly Language C = new(50, "C (GCC 12.2.0)", false, "main.c", "/usr/bin/gcc main.c", "./a.out");

    private readonly RunningApp app;

    private JudgeServerHost(RunningApp app) => this.app = app;

    public HttpClient Client => app.Judge;
    public IServiceProvider Services => app.Services;
    public ISubmissionStore Store => Services.GetRequiredService<ISubmissionStore>();
    public IJobQueue Queue => Services.GetRequiredService<IJobQueue>();

    /// <summary>The judge-server alone (no worker): tests act as the worker through the real queue and store.</summary>
    public static async Task<JudgeServerHost> StartAsync(params (string Key, string? Value)[] settings)
    {
        var app = await RunningApp.StartAsync(Roles.JudgeServer, settings);
        await app.Services.GetRequiredService<ILanguageStore>().PublishAsync([Python, C], CancellationToken.None);
        return new JudgeServerHost(app);
    }

    public async Task<(HttpStatusCode Status, JsonNode? Body)> SendAsync(HttpMethod method, string path, object? json = null, params (string, string)[] headers)
    {
        using var request = new HttpRequestMessage(method, path);
        if (json is not null)
        {
            request.Content = json is string raw
                ? new StringContent(raw, Encoding.UTF8, "application/json")
                : JsonContent.Create(json);
        }
        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }
        using var response = await Client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text));
    }

    public Task<(HttpStatusCode Status, JsonNode? Body)> PostAsync(string path, object json) => SendAsync(HttpMethod.Post, path, json);

    public Task<(HttpStatusCode Status, JsonNode? Body)> GetAsync(string path) => SendAsync(HttpMethod.Get, path);

    /// <summary>Creates a valid Python submission and returns its token.</summary>
    public async Task<string> CreateAsync(object? body = null)
    {
        var (status, json) = await PostAsync("/submissions", body ?? new { source_code = "print(1)", language_id = 71 });
        Assert.Equal(HttpStatusCode.Created, status);
        return json!["token"]!.GetValue<string>();
    }

    /// <summary>Acts as the worker: claims the next job and stores a final result through the real services.</summary>
    public async Task<ClaimedJob> FinishNextAsync(int statusId = 3, byte[]? stdout = null, byte[]? stderr = null, string? message = null, decimal? time = 0.001m, int? memory = 376)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var job = await Queue.ClaimAsync("test-worker", timeout.Token);
        Assert.True(await Store.MarkProcessingAsync(job.Token, "test-host", DateTimeOffset.UtcNow, timeout.Token));
        Assert.True(await Store.SaveResultAsync(new SubmissionResult(
            job.Token, statusId, stdout, stderr, null, message, time, time, memory, 0, null, DateTimeOffset.UtcNow, "test-host"), timeout.Token));
        await Services.GetRequiredService<ICompletionSignal>().NotifyAsync(job.Token, timeout.Token);
        await Queue.CompleteAsync(job, timeout.Token);
        return job;
    }

    public ValueTask DisposeAsync() => app.DisposeAsync();
}
