using System.IO.Compression;
using CodeRunner.Sandbox;

namespace CodeRunner.Judge.Worker.Execution;

/// <summary>
/// Unpacks additional_files (a zip) into a fresh box before anything untrusted runs. Sizes are
/// counted while inflating (a zip's headers can lie), entry names may not escape the box, and
/// links are refused, so a zip bomb or a crafted archive stops with a clear message.
/// </summary>
internal static class AdditionalFiles
{
    public const int MaxEntries = 1000;

    /// <summary>Names of the files written, or an error message.</summary>
    public static (IReadOnlyList<string> Files, string? Error) Extract(byte[] zip, IBox box, long maxExtractBytes)
    {
        var written = new List<string>();
        try
        {
            using var archive = new ZipArchive(new MemoryStream(zip), ZipArchiveMode.Read);
            if (archive.Entries.Count > MaxEntries)
            {
                return (written, $"additional_files: more than {MaxEntries} entries");
            }
            long total = 0;
            var buffer = new byte[81920];
            foreach (var entry in archive.Entries)
            {
                if (entry.FullName.EndsWith('/'))
                {
                    continue;
                }
                var name = SafeName(entry.FullName);
                if (name is null)
                {
                    return (written, $"additional_files: entry '{entry.FullName}' is not a plain relative path");
                }
                if (IsLink(entry))
                {
                    return (written, $"additional_files: entry '{entry.FullName}' is a link");
                }
                using var content = new MemoryStream();
                using (var input = entry.Open())
                {
                    int read;
                    while ((read = input.Read(buffer)) > 0)
                    {
                        total += read;
                        if (total > maxExtractBytes)
                        {
                            return (written, $"additional_files: extracted size exceeds max_extract_size ({maxExtractBytes / 1024} KB)");
                        }
                        content.Write(buffer, 0, read);
                    }
                }
                box.WriteFile(name, content.GetBuffer().AsSpan(0, (int)content.Length));
                written.Add(name);
            }
            return (written, null);
        }
        catch (InvalidDataException e)
        {
            return (written, $"additional_files: not a valid zip archive ({e.Message})");
        }
    }

    private static string? SafeName(string fullName)
    {
        var parts = fullName.Replace('\\', '/').Split('/');
        if (fullName.StartsWith('/') || parts.Any(p => p is "" or "." or ".." || p.Contains('\0')))
        {
            return null;
        }
        return string.Join('/', parts);
    }

    // Unix mode lives in the high 16 bits of the external attributes; 0xA000 is S_IFLNK.
    private static bool IsLink(ZipArchiveEntry entry) => ((entry.ExternalAttributes >> 16) & 0xF000) == 0xA000;
}
