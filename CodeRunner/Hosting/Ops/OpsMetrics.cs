using System.Diagnostics.Metrics;

namespace CodeRunner.Hosting.Ops;

/// <summary>
/// The product's own instruments, on one meter every role exports at /metrics. Labels are
/// status names and sandbox outcomes only: never tokens, URLs or user data.
/// </summary>
public static class OpsMetrics
{
    public const string MeterName = "CodeRunner";

    private static readonly Meter Meter = new(MeterName, typeof(OpsMetrics).Assembly.GetName().Version?.ToString());

    private static readonly Counter<long> Runs = Meter.CreateCounter<long>(
        "coderunner.runs", "{submission}", "Submissions finished by a worker, by final Judge0 status");

    private static readonly Histogram<double> SandboxRuns = Meter.CreateHistogram<double>(
        "coderunner.sandbox.run.duration", "s", "Wall time of one program run in the sandbox (compile steps included), by outcome",
        tags: null,
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 40] });

    private static readonly Counter<long> Callbacks = Meter.CreateCounter<long>(
        "coderunner.callbacks", "{callback}", "Callbacks a worker finished with, by outcome: delivered, failed (out of tries or refused) or dropped (queue full or stopping)");

    /// <summary>A worker stored a submission's final result.</summary>
    public static void RunFinished(int statusId) =>
        Runs.Add(1, new KeyValuePair<string, object?>("status_id", statusId), new KeyValuePair<string, object?>("status", Status.FromId(statusId).Description));

    /// <summary>A callback is done with: "delivered", "failed" or "dropped".</summary>
    public static void CallbackDone(string outcome) =>
        Callbacks.Add(1, new KeyValuePair<string, object?>("outcome", outcome));

    /// <summary>One sandbox run ended (any outcome).</summary>
    public static void SandboxRun(double seconds, string outcome) =>
        SandboxRuns.Record(seconds, new KeyValuePair<string, object?>("outcome", outcome));
}
