using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using CodeRunner.Hosting;
using CodeRunner.Judge;
using CodeRunner.Judge.Callbacks;
using CodeRunner.Tests.Ops;
using CodeRunner.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace CodeRunner.Tests.Judge.Callbacks;

/// <summary>A judge-server and worker (real sandbox) whose callbacks may reach the loopback receiver beside them.</summary>
public sealed class CallbackApp : IAsyncLifetime
{
    public const string Secret = "callback-test-secret";

    internal CallbackReceiver Receiver { get; private set; } = null!;

    internal RunningApp App { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Receiver = await CallbackReceiver.StartAsync();
        App = await RunningApp.StartAsync(Roles.JudgeServer | Roles.JudgeWorker,
            ("Judge:CallbacksAllowedNetworks", "127.0.0.1/32"),
            ("Judge:CallbacksSecret", Secret),
            ("Judge:CallbacksMaxTries", "3"),
            ("Judge:CallbacksTimeout", "2"));
    }

    public async Task DisposeAsync()
    {
        await App.DisposeAsync();
        await Receiver.DisposeAsync();
    }
}

// Beside the end-to-end tests, not in parallel with them: the machine has 2 cores.
[Collection(CodeRunner.Tests.EndToEnd.JudgeClusterCollection.Name)]
public sealed class CallbackTests(CallbackApp fixture) : IClassFixture<CallbackApp>
{
    private async Task<string> SubmitAsync(string source, string callbackUrl)
    {
        var response = await fixture.App.Judge.PostAsJsonAsync("/submissions", new { language_id = 71, source_code = source, callback_url = callbackUrl });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, body);
        return JsonNode.Parse(body)!["token"]!.GetValue<string>();
    }

    private static string Path(string kind) => $"/{kind}/{Guid.NewGuid():N}";

    [Fact]
    public async Task Given_a_callback_url_Then_the_worker_puts_judge0s_default_fields_base64_encoded_and_signed_once_the_result_is_stored()
    {
        var path = Path("done");
        var token = await SubmitAsync("print('hi')", fixture.Receiver.Url(path));

        var received = Assert.Single(await fixture.Receiver.WaitForAsync(path));
        var stored = await fixture.App.Judge.GetFromJsonAsync<JsonObject>($"/submissions/{token}");

        Assert.Equal("PUT", received.Method);
        Assert.StartsWith("application/json", received.Headers["Content-Type"]);
        var body = JsonNode.Parse(received.Body)!.AsObject();
        Assert.Equal(["stdout", "time", "memory", "stderr", "token", "compile_output", "message", "status"], body.Select(p => p.Key));
        Assert.Equal(token, body["token"]!.GetValue<string>());
        Assert.Equal(3, body["status"]!["id"]!.GetValue<int>());
        Assert.Equal("hi\n", Encoding.UTF8.GetString(Convert.FromBase64String(body["stdout"]!.GetValue<string>())));
        // Stored before it was sent: the receiver may fetch the submission at once.
        Assert.Equal(3, stored!["status"]!["id"]!.GetValue<int>());

        var timestamp = received.Headers["X-CodeRunner-Timestamp"];
        Assert.InRange(long.Parse(timestamp), DateTimeOffset.UtcNow.AddMinutes(-5).ToUnixTimeSeconds(), DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        var expected = Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(CallbackApp.Secret), Encoding.ASCII.GetBytes(timestamp + ".").Concat(received.Body).ToArray()));
        Assert.Equal("sha256=" + expected, received.Headers["X-CodeRunner-Signature"]);
        // Counted once the sender has the receiver's answer, a moment after the receiver logged the request.
        static double Delivered(string metrics) => OpsHttp.Sum(metrics, "coderunner_callbacks_total", "outcome=\"delivered\"");
        var metrics = await Poll.UntilAsync(() => fixture.App.Judge.GetStringAsync("/metrics"), m => Delivered(m) >= 1, TimeSpan.FromSeconds(5));
        Assert.True(Delivered(metrics) >= 1, metrics);
    }

    [Fact]
    public async Task Given_a_receiver_answering_503_Then_the_callback_is_tried_callbacks_max_tries_times_but_a_400_only_once()
    {
        var unavailable = Path("status/503");
        var refused = Path("status/400");
        await SubmitAsync("print(1)", fixture.Receiver.Url(unavailable));
        await SubmitAsync("print(2)", fixture.Receiver.Url(refused));

        // Three tries, 1 s then 2 s apart; by then the 400 would have been tried again too.
        await fixture.Receiver.WaitForAsync(unavailable, count: 3);
        await Task.Delay(TimeSpan.FromSeconds(1));

        Assert.Equal(3, fixture.Receiver.To(unavailable).Count);
        Assert.Single(fixture.Receiver.To(refused));
    }

    [Fact]
    public async Task Given_an_allowed_network_Then_callbacks_inside_it_are_accepted_and_other_internal_ones_still_refused()
    {
        var inside = await fixture.App.Judge.PostAsJsonAsync("/submissions", new { language_id = 71, source_code = "print(1)", callback_url = fixture.Receiver.Url("/accepted") });
        var outside = await fixture.App.Judge.PostAsJsonAsync("/submissions", new { language_id = 71, source_code = "print(1)", callback_url = "http://10.1.2.3/hook" });

        Assert.Equal(HttpStatusCode.Created, inside.StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, outside.StatusCode);
        Assert.Contains(CallbackTargets.Refused, await outside.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Given_a_host_that_resolves_to_loopback_when_the_callback_is_sent_Then_the_sender_never_connects()
    {
        // What DNS rebinding does after the URL was checked at creation: the name now points inside.
        var options = new JudgeOptions { CallbacksMaxTries = 3, CallbacksTimeout = 2 };
        using var sender = new CallbackSender(options, new CallbackTargets(options), NullLogger<CallbackSender>.Instance);
        var path = Path("rebound");

        var delivered = await sender.DeliverAsync(new Uri($"http://localhost:{fixture.Receiver.Port}{path}"), "t", "{}"u8.ToArray(), CancellationToken.None);

        Assert.False(delivered);
        Assert.Empty(fixture.Receiver.To(path));
    }

    [Fact]
    public async Task Given_a_redirect_Then_the_sender_does_not_follow_it_nor_try_again()
    {
        var options = new JudgeOptions { CallbacksMaxTries = 3, CallbacksTimeout = 2, CallbacksAllowedNetworks = "127.0.0.1/32" };
        using var sender = new CallbackSender(options, new CallbackTargets(options), NullLogger<CallbackSender>.Instance);
        var path = Path("redirect");
        var landedBefore = fixture.Receiver.To("/landed").Count;

        var delivered = await sender.DeliverAsync(new Uri(fixture.Receiver.Url(path)), "t", "{}"u8.ToArray(), CancellationToken.None);

        Assert.False(delivered);
        Assert.Single(fixture.Receiver.To(path));
        Assert.Equal(landedBefore, fixture.Receiver.To("/landed").Count);
    }

    [Theory]
    [InlineData("10.0.0.0/33")]
    [InlineData("example.com")]
    public void Given_a_bad_network_in_CALLBACKS_ALLOWED_NETWORKS_Then_it_does_not_start_and_says_which(string network)
    {
        var error = Assert.Throws<InvalidOperationException>(() => new CallbackTargets(new JudgeOptions { CallbacksAllowedNetworks = $"192.168.0.0/16 {network}" }));

        Assert.Contains("CALLBACKS_ALLOWED_NETWORKS", error.Message);
        Assert.Contains($"'{network}'", error.Message);
    }
}
