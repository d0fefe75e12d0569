using System.Text.Json;

namespace CodeRunner.Hosting.Ops;

/// <summary>
/// Console logs in one of two shapes: <c>simple</c> (one readable line, the default for a terminal)
/// or <c>json</c> (one JSON object per line for journald and log shippers; roles/*.env set it).
/// </summary>
internal static class ConsoleLogging
{
    public const string FormatKey = "LOG_FORMAT";
    public const string FormatSetting = "Logging:Format";

    public static void AddConsoleLogging(this WebApplicationBuilder builder)
    {
        var format = (builder.Configuration[FormatKey] ?? builder.Configuration[FormatSetting] ?? "simple").Trim().ToLowerInvariant();
        builder.Logging.ClearProviders();
        switch (format)
        {
            case "json":
                builder.Logging.AddJsonConsole(c =>
                {
                    c.UseUtcTimestamp = true;
                    c.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
                    c.JsonWriterOptions = new JsonWriterOptions { Indented = false };
                });
                break;
            case "simple" or "":
                builder.Logging.AddSimpleConsole(c =>
                {
                    c.SingleLine = true;
                    c.TimestampFormat = "HH:mm:ss.fff ";
                });
                break;
            default:
                throw new InvalidOperationException($"{FormatKey} (or {FormatSetting}): '{format}' is not a log format; use simple or json");
        }
    }
}
