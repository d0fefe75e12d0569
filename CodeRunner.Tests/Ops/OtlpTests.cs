using System.Collections.Concurrent;
using CodeRunner.Hosting;
using CodeRunner.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace CodeRunner.Tests.Ops;

/// <summary>Traces go to a real OTLP/HTTP receiver (a Kestrel endpoint accepting POST /v1/traces).</summary>
public sealed class OtlpTests
{
    [Fact]
    public async Task Given_an_otlp_endpoint_Then_request_traces_arrive_as_protobuf_named_after_the_role()
    {
        var exports = new ConcurrentQueue<(string? ContentType, byte[] Body)>();
        var receiverUrl = $"http://127.0.0.1:{FreePort.Next()}";
        var receiverBuilder = WebApplication.CreateSlimBuilder();
        receiverBuilder.WebHost.UseUrls(receiverUrl);
        await using var receiver = receiverBuilder.Build();
        receiver.MapPost("/v1/traces", async (HttpRequest request) =>
        {
            using var body = new MemoryStream();
            await request.Body.CopyToAsync(body);
            exports.Enqueue((request.ContentType, body.ToArray()));
            return Results.Ok();
        });
        await receiver.StartAsync();

        await using var app = await RunningApp.StartAsync(Roles.JudgeServer,
            ("OTEL_EXPORTER_OTLP_ENDPOINT", receiverUrl), ("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf"),
            ("OTEL_BSP_SCHEDULE_DELAY", "200"));
        var statuses = await app.Judge.GetAsync("/statuses");
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!exports.Any(e => Contains(e.Body, "/statuses")) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(200);
        }

        Assert.True(statuses.IsSuccessStatusCode);
        var export = exports.First(e => Contains(e.Body, "/statuses"));
        Assert.Equal("application/x-protobuf", export.ContentType);
        // Protobuf keeps strings as UTF-8 bytes: the resource's service.name is readable in the body.
        Assert.True(Contains(export.Body, "coderunner-judge-server"));
    }

    private static bool Contains(byte[] body, string text) => body.AsSpan().IndexOf(Encoding.UTF8.GetBytes(text)) >= 0;
}
