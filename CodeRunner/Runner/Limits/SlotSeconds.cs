using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using CodeRunner.Runner.Http;

namespace CodeRunner.Runner.Limits;

/// <summary>
/// What a submission may hold a worker slot for: number_of_runs × wall_time_limit seconds, with
/// the judge's defaults (Judge0's: 1 run, 10 s) when absent, rounded up, at least 1. This, not the
/// number of submissions, is what the runner's budgets count.
/// </summary>
internal static class SlotSeconds
{
    /// <summary>The cost of one submission, or the 422 naming the field that is not a number (prefix locates it in a batch).</summary>
    public static (int Cost, IResult? Error) Of(JsonObject item, RunnerOptions options, string prefix = "")
    {
        if (Number(item, "number_of_runs", options.DefaultNumberOfRuns) is not { } runs || runs <= 0)
        {
            return (0, RunnerErrors.Invalid(prefix + "number_of_runs", "must be a positive number"));
        }
        if (Number(item, "wall_time_limit", options.DefaultWallTimeLimit) is not { } wall || wall < 0)
        {
            return (0, RunnerErrors.Invalid(prefix + "wall_time_limit", "must be a number of seconds"));
        }
        // Capped so the product stays an int; any budget is far below it.
        return ((int)Math.Max(1, Math.Ceiling(Math.Min(runs * wall, 1_000_000))), null);
    }

    /// <summary>The value as Judge0 clients send it (a JSON number or a numeric string), the default when absent; null when it is neither.</summary>
    private static double? Number(JsonObject item, string name, double fallback)
    {
        if (item[name] is not JsonValue value)
        {
            return item.ContainsKey(name) && item[name] is not null ? null : fallback;
        }
        return value.GetValueKind() switch
        {
            JsonValueKind.Number => Finite(value.GetValue<double>()),
            JsonValueKind.String when value.GetValue<string>().Trim() is { Length: 0 } => fallback,
            JsonValueKind.String when double.TryParse(value.GetValue<string>().Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var n) => Finite(n),
            _ => null,
        };
    }

    private static double? Finite(double n) => double.IsFinite(n) ? n : null;
}
