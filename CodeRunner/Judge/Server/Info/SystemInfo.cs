using System.Runtime.InteropServices;
using System.Text.Json.Nodes;

namespace CodeRunner.Judge.Server.Info;

/// <summary>/system_info: the lscpu/free facts Judge0 shows, read from /proc. Hardware only.</summary>
internal static class SystemInfo
{
    public static JsonObject Build()
    {
        var cpu = ReadKeyValues("/proc/cpuinfo", ':');
        var memory = ReadKeyValues("/proc/meminfo", ':');
        return new JsonObject
        {
            ["Architecture"] = RuntimeInformation.OSArchitecture.ToString().ToLowerInvariant() switch { "x64" => "x86_64", "arm64" => "aarch64", var a => a },
            ["CPU(s)"] = Environment.ProcessorCount.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Model name"] = cpu.GetValueOrDefault("model name"),
            ["Mem"] = Human(memory.GetValueOrDefault("MemTotal")),
            ["Swap"] = Human(memory.GetValueOrDefault("SwapTotal")),
            ["Kernel"] = RuntimeInformation.OSDescription,
        };
    }

    private static Dictionary<string, string> ReadKeyValues(string path, char separator)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        try
        {
            foreach (var line in File.ReadLines(path))
            {
                var cut = line.IndexOf(separator);
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

    /// <summary>"16318000 kB" → "15.6G", like free -h.</summary>
    private static string? Human(string? kb)
    {
        if (kb is null || !long.TryParse(kb.Split(' ')[0], out var value))
        {
            return null;
        }
        double bytes = value * 1024.0;
        string[] units = ["B", "K", "M", "G", "T"];
        var unit = 0;
        while (bytes >= 1024 && unit < units.Length - 1)
        {
            bytes /= 1024;
            unit++;
        }
        return bytes.ToString("0.#", System.Globalization.CultureInfo.InvariantCulture) + units[unit];
    }
}
