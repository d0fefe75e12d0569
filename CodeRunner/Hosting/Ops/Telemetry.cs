using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace CodeRunner.Hosting.Ops;

/// <summary>
/// OpenTelemetry: metrics always (scraped at /metrics in Prometheus' format), traces only when
/// OTEL_EXPORTER_OTLP_ENDPOINT is set (OTLP; OTEL_EXPORTER_OTLP_PROTOCOL picks grpc or http/protobuf).
/// </summary>
internal static class Telemetry
{
    public const string OtlpEndpointKey = "OTEL_EXPORTER_OTLP_ENDPOINT";

    public static void AddTelemetry(this WebApplicationBuilder builder, Roles roles)
    {
        var otel = builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(RoleSections.ServiceName(roles), serviceVersion: typeof(Telemetry).Assembly.GetName().Version?.ToString(3)))
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddMeter(OpsMetrics.MeterName, "System.Runtime")
                .AddPrometheusExporter());
        if (string.IsNullOrWhiteSpace(builder.Configuration[OtlpEndpointKey]))
        {
            return;
        }
        otel.WithTracing(tracing => tracing
            .AddAspNetCoreInstrumentation(o => o.Filter = context => !IsProbe(context.Request.Path))
            .AddHttpClientInstrumentation(o => o.FilterHttpRequestMessage = request => !IsProbe(request.RequestUri?.AbsolutePath))
            .AddOtlpExporter());
    }

    // Health probes and scrapes every few seconds would drown the traces that matter.
    private static bool IsProbe(PathString path) =>
        path.StartsWithSegments("/health") || path.StartsWithSegments("/metrics");

    private static bool IsProbe(string? path) => path is not null && IsProbe(new PathString(path));
}
