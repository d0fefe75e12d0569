using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json.Nodes;

namespace CodeRunner.Judge.Server.Info;

/// <summary>
/// /system_info as Judge0 builds it (app/helpers/system_info.rb: every `lscpu` line as key and
/// value, then the totals of `free -h`'s Mem and Swap lines), read from /proc instead of running
/// the tools: the lscpu keys that /proc/cpuinfo answers, in lscpu's order. Hardware only.
/// </summary>
internal static class SystemInfo
{
    public static JsonObject Build()
    {
        var cpu = ReadKeyValues("/proc/cpuinfo");
        var memory = ReadKeyValues("/proc/meminfo");
        return new JsonObject
        {
            ["Architecture"] = RuntimeInformation.OSArchitecture switch
            {
                Architecture.X64 => "x86_64",
                Architecture.Arm64 => "aarch64",
                var a => a.ToString().ToLowerInvariant(),
            },
            ["CPU(s)"] = Environment.ProcessorCount.ToString(CultureInfo.InvariantCulture),
            ["Vendor ID"] = cpu.GetValueOrDefault("vendor_id"),
            ["Model name"] = cpu.GetValueOrDefault("model name"),
            ["Mem"] = FreeHuman(memory.GetValueOrDefault("MemTotal")),
            ["Swap"] = FreeHuman(memory.GetValueOrDefault("SwapTotal")),
        };
    }

    private static Dictionary<string, string> ReadKeyValues(string path)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        try
        {
            foreach (var line in File.ReadLines(path))
            {
                var cut = line.IndexOf(':');
                if (cut > 0)
                {
                    result.TryAdd(line[..cut].Trim(), line[(cut + 1)..].Trim());
                }
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
        return result;
    }

    /// <summary>
    /// "24576000 kB" as procps' `free -h` writes it: at most 4 characters before the "i"
    /// ("0B", "9.1Mi", "23Gi"), one decimal when it fits, otherwise whole units.
    /// </summary>
    internal static string? FreeHuman(string? kb)
    {
        if (kb is null || !long.TryParse(kb.Split(' ')[0], NumberStyles.None, CultureInfo.InvariantCulture, out var value))
        {
            return null;
        }
        var bytes = value * 1024.0;
        if (bytes < 10_000)
        {
            return bytes.ToString("0", CultureInfo.InvariantCulture) + "B";
        }
        var scaled = bytes;
        foreach (var unit in "KMGTPE")
        {
            scaled /= 1024;
            var withDecimal = scaled.ToString("0.0", CultureInfo.InvariantCulture);
            if (withDecimal.Length <= 3)
            {
                return withDecimal + unit + "i";
            }
            var whole = Math.Floor(scaled).ToString("0", CultureInfo.InvariantCulture);
            if (whole.Length <= 4)
            {
                return whole + unit + "i";
            }
        }
        return null;
    }
}
