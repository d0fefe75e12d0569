using System.Net;
using System.Text.Json.Nodes;
using CodeRunner.Hosting;
using Xunit.Abstractions;

namespace CodeRunner.Tests.Fuzz;

/// <summary>
/// Random requests, bounded in number and time, to every endpoint of every role of a healthy
/// chain: none may answer 5xx. A 503 is for a real outage, and none is staged here, so the only
/// one allowed is Judge0's "queue is full" (overload); a broken connection or a timeout fails too,
/// unless Kestrel refused the request's framing (see <see cref="FuzzRequest.RefusedByHttpLayer"/>).
/// Afterwards every role is alive and a program still runs through the fuzzed one. The seed is
/// printed; CODERUNNER_FUZZ_SEED replays it, CODERUNNER_FUZZ_COUNT and CODERUNNER_FUZZ_SECONDS
/// (per role; 400 and 60 by default) make a run longer.
/// </summary>
public sealed class NeverA500Tests(FuzzChain chain, ITestOutputHelper output) : IClassFixture<FuzzChain>
{
    private static readonly int Count = Setting("CODERUNNER_FUZZ_COUNT", 400);
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(Setting("CODERUNNER_FUZZ_SECONDS", 60));

    [Theory]
    [InlineData("client")]
    [InlineData("runner")]
    [InlineData("lb")]
    [InlineData("judge-server")]
    [InlineData("judge-worker")]
    public async Task Given_random_requests_to_every_endpoint_of_a_role_Then_none_is_answered_5xx_and_the_role_stays_alive(string name)
    {
        var role = RoleNamed(name);
        var seed = Setting("CODERUNNER_FUZZ_SEED", Random.Shared.Next());
        var grammar = new RequestGrammar(new Random(seed), chain, EndpointCatalogue.Of(chain.App.Services));
        using var http = Http(chain.UrlOf(role));
        var failures = new List<string>();
        var statuses = new SortedDictionary<int, int>();
        var clock = Stopwatch.StartNew();
        var sent = 0;
        for (; sent < Count && clock.Elapsed < Budget; sent++)
        {
            var request = grammar.Next(role);
            if (await ProblemAsync(http, request, statuses) is { } problem)
            {
                failures.Add($"request {sent + 1}: {problem}\n  {request.Describe()}");
            }
        }
        output.WriteLine($"{name}: seed {seed}, {sent} requests in {clock.Elapsed.TotalSeconds:F1} s, statuses {string.Join(" ", statuses.Select(s => $"{(s.Key == 0 ? "closed by Kestrel" : s.Key)}×{s.Value}"))}");

        Assert.True(failures.Count == 0,
            $"{name}, seed {seed} (CODERUNNER_FUZZ_SEED={seed} replays it): {failures.Count} of {sent} requests failed\n\n{string.Join("\n\n", failures.Take(5))}");
        await AssertAliveAsync(role);
    }

    /// <summary>Null when the answer is one a client may get; else what was wrong.</summary>
    private static async Task<string?> ProblemAsync(HttpClient http, FuzzRequest request, SortedDictionary<int, int> statuses)
    {
        const int Closed = 0;
        try
        {
            using var message = request.ToMessage(http.BaseAddress!);
            using var response = await http.SendAsync(message);
            var body = await response.Content.ReadAsByteArrayAsync();
            var status = (int)response.StatusCode;
            statuses[status] = statuses.GetValueOrDefault(status) + 1;
            var overloaded = status == 503 && Encoding.UTF8.GetString(body).Contains("\"queue is full\"");
            return status >= 500 && !overloaded ? $"answered {status}: {FuzzRequest.Printable(body, 300)}" : null;
        }
        catch (HttpRequestException) when (request.RefusedByHttpLayer)
        {
            statuses[Closed] = statuses.GetValueOrDefault(Closed) + 1;
            return null;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
        {
            return $"no answer: {e.GetType().Name}: {e.Message}{(e.InnerException is { } inner ? $" ({inner.Message})" : "")}";
        }
    }

    private async Task AssertAliveAsync(Roles fuzzed)
    {
        using var plain = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        foreach (var role in new[] { Roles.Client, Roles.Runner, Roles.Lb, Roles.JudgeServer, Roles.JudgeWorker })
        {
            var health = await plain.GetAsync(new Uri(chain.UrlOf(role), "/health"));
            Assert.True(health.StatusCode == HttpStatusCode.OK, $"{role} /health answered {(int)health.StatusCode} after the fuzzing");
        }
        var (url, path) = fuzzed switch
        {
            Roles.Client => (chain.UrlOf(Roles.Client), "/api/submissions?wait=true"),
            Roles.Runner => (chain.UrlOf(Roles.Runner), "/submissions?wait=true"),
            Roles.Lb => (chain.UrlOf(Roles.Lb), "/submissions?wait=true"),
            _ => (chain.UrlOf(Roles.JudgeServer), "/submissions?wait=true"),
        };
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(url, path))
        {
            Content = new StringContent("""{"language_id":71,"source_code":"print('alive')"}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("X-Session-Token", chain.Session);
        request.Headers.Add("X-Auth-Token", FuzzChain.TierToken);
        using var response = await plain.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"a hello world through {fuzzed} after the fuzzing: {(int)response.StatusCode} {text}");
        Assert.Equal("alive\n", JsonNode.Parse(text)!["stdout"]?.GetValue<string>());
    }

    private static HttpClient Http(Uri baseAddress) => new(new SocketsHttpHandler
    {
        UseCookies = false,
        AllowAutoRedirect = false,
        AutomaticDecompression = DecompressionMethods.None,
        // Header values go out byte for byte, 0x80–0xFF included (Kestrel must refuse, not fail).
        RequestHeaderEncodingSelector = (_, _) => Encoding.Latin1,
    })
    {
        BaseAddress = baseAddress,
        Timeout = TimeSpan.FromSeconds(60),
    };

    private static Roles RoleNamed(string name) => name switch
    {
        "client" => Roles.Client,
        "runner" => Roles.Runner,
        "lb" => Roles.Lb,
        "judge-server" => Roles.JudgeServer,
        _ => Roles.JudgeWorker,
    };

    private static int Setting(string name, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), out var value) ? value : fallback;
}
