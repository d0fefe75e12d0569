using System.Diagnostics;

namespace CodeRunner.Judge.Worker.Languages;

/// <summary>The compiler flags GNUstep's Foundation needs, read once when the worker starts.</summary>
internal static class GnuStep
{
    public static IReadOnlyList<string> Flags(string gnustepConfig, string gcc)
    {
        var objc = Words(Output(gnustepConfig, "--objc-flags")).Where(w => !w.StartsWith("-W", StringComparison.Ordinal));
        var libs = Words(Output(gnustepConfig, "--base-libs")).Where(w => w != "-shared-libgcc");
        var gccInclude = Output(gcc, "-print-file-name=include").Trim();
        return [.. objc, .. libs, .. gccInclude.Length > 0 ? ["-I" + gccInclude] : Array.Empty<string>()];
    }

    private static string[] Words(string text) => text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);

    private static string Output(string program, string argument)
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo(program, argument)
            {
                RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
            })!;
            var output = process.StandardOutput.ReadToEnd();
            process.WaitForExit(10_000);
            return process.ExitCode == 0 ? output : "";
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            return "";
        }
    }
}
