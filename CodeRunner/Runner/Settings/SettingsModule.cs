using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Carter;
using CodeRunner.Runner.Auth;
using CodeRunner.Runner.History;
using CodeRunner.Runner.Http;
using CodeRunner.Runner.Limits;

namespace CodeRunner.Runner.Settings;

/// <summary>GET/PUT /settings: what the web IDE restores for this caller (defaults until saved).</summary>
public sealed class SettingsModule : ICarterModule
{
    /// <summary>The editor's language when the caller never chose one (Python 3).</summary>
    public const int DefaultLanguageId = 71;

    private static readonly string[] Themes = ["dark", "light"];
    private static readonly string[] KeyMaps = ["default", "vim", "emacs"];

    public void AddRoutes(IEndpointRouteBuilder app)
    {
        app.MapGet("/settings", GetAsync).RequireRateLimiting(RunnerRateLimits.Reads);
        app.MapPut("/settings", PutAsync).RequireRateLimiting(RunnerRateLimits.Reads);
    }

    private static async Task<IResult> GetAsync(HttpContext context, IHistoryStore store, CancellationToken ct) =>
        Render(await store.GetSettingsAsync(Caller.Of(context).Owner, ct) ?? ClientSettings.Default);

    private static async Task<IResult> PutAsync(HttpContext context, IHistoryStore store, RunnerOptions options, CancellationToken ct)
    {
        var (body, bad) = await JsonBody.ReadObjectAsync(context, options.MaxRequestBytes);
        if (bad is not null)
        {
            return bad;
        }
        var owner = Caller.Of(context).Owner;
        var settings = await store.GetSettingsAsync(owner, ct) ?? ClientSettings.Default;
        foreach (var (name, value) in body!.Value)
        {
            switch (name)
            {
                case "language_id" when Integer(value) is int id and > 0:
                    settings = settings with { LanguageId = id };
                    break;
                case "language_id":
                    return RunnerErrors.Invalid(name, "must be a positive integer");
                case "theme" when Text(value) is { } theme && Themes.Contains(theme):
                    settings = settings with { Theme = theme };
                    break;
                case "theme":
                    return RunnerErrors.Invalid(name, $"must be one of {string.Join(", ", Themes)}");
                case "font_size" when Integer(value) is int size and >= 10 and <= 32:
                    settings = settings with { FontSize = size };
                    break;
                case "font_size":
                    return RunnerErrors.Invalid(name, "must be an integer from 10 to 32");
                case "key_map" when Text(value) is { } keyMap && KeyMaps.Contains(keyMap):
                    settings = settings with { KeyMap = keyMap };
                    break;
                case "key_map":
                    return RunnerErrors.Invalid(name, $"must be one of {string.Join(", ", KeyMaps)}");
                default:
                    return RunnerErrors.Invalid(name, "is not a setting (language_id, theme, font_size, key_map)");
            }
        }
        await store.SaveSettingsAsync(owner, settings, ct);
        return Render(settings);
    }

    private static IResult Render(ClientSettings settings) => TypedResults.Json(new JsonObject
    {
        ["language_id"] = settings.LanguageId ?? DefaultLanguageId,
        ["theme"] = settings.Theme,
        ["font_size"] = settings.FontSize,
        ["key_map"] = settings.KeyMap,
    }, RunnerErrors.Json);

    private static int? Integer(JsonNode? value) =>
        value is JsonValue v && v.GetValueKind() == JsonValueKind.Number && v.TryGetValue<int>(out var n) ? n : null;

    private static string? Text(JsonNode? value) =>
        value is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;
}
