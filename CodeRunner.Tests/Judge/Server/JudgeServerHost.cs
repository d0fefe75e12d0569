using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using CodeRunner.Contracts;
using CodeRunner.Hosting;
using CodeRunner.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace CodeRunner.Tests.Judge.Server;

/// <summary>The real judge-server on a free loopback port with its own SQLite file.</summary>
public sealed class JudgeServerHost : IAsyncDisposable
{
    public static readonly Language Python = new(71, "Python (3.11.2)", false, "script.py", null, "/usr/bin/python3 script.py");
    public static readonly Language C = new(50, "C (GCC 12.2.0)", false, "main.c", "/usr/bin/gcc main.c", "./a.out");

    private readonly string directory;

    private JudgeServerHost(WebApplication app, HttpClient client, string directory)
    {
        App = app;
        Client = client;
        this.directory = directory;
    }

    public WebApplication App { get; }
    public HttpClient Client { get; }
    public IServiceProvider Services => App.Services;
    public ISubmissionStore Store => Services.GetRequiredService<ISubmissionStore>();
    public IJobQueue Queue => Services.GetRequiredService<IJobQueue>();

    public static async Task<JudgeServerHost> StartAsync(params (string Key, string? Value)[] settings)
    {
        var directory = Directory.CreateTempSubdirectory("coderunner-api-").FullName;
        var port = FreePort();
        var all = new List<(string, string?)>
        {
            ("Judge:Urls", $"http://127.0.0.1:{port}"),
            ("Storage:Sqlite", Path.Combine(directory, "test.db")),
            ("Logging:LogLevel:Default", "Warning"),
        };
        all.AddRange(settings);
        var app = Program.Build(RunOptions.For(Roles.JudgeServer, all.ToArray()));
        await app.StartAsync();
        await app.Services.GetRequiredService<ILanguageStore>().PublishAsync([Python, C], CancellationToken.None);
        var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        return new JudgeServerHost(app, client, directory);
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

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
