using System.IO.Compression;
using CodeRunner.Sandbox;

namespace CodeRunner.Judge.Worker.Execution;

/// <summary>
/// Unpacks additional_files (a zip) into a fresh box before anything untrusted runs. Sizes are
/// counted while inflating (a zip's headers can lie), entry names may not escape the box, and
/// links are refused, so a zip bomb or a crafted archive stops with a clear message. Like
/// Judge0 1.13.1's <c>unzip -n</c>, nothing is overwritten: an entry whose path is taken (by the
/// source file, an earlier entry, or a file where it needs a folder) is skipped, as is one whose
/// name the file system refuses.
/// </summary>
internal static class AdditionalFiles
{
    public const int MaxEntries = 1000;

    /// <summary>Names of the files written, or an error message.</summary>
    /// <param name="inBox">Files the box holds already (the source file), which the zip cannot replace.</param>
    public static (IReadOnlyList<string> Files, string? Error) Extract(byte[] zip, IBox box, long maxExtractBytes, IEnumerable<string> inBox)
    {
        var written = new List<string>();
        var taken = new BoxPaths(inBox);
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
                if (!taken.TryAdd(name))
                {
                    continue;
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
                try
                {
                    box.WriteFile(name, content.GetBuffer().AsSpan(0, (int)content.Length));
                }
                catch (IOException)
                {
                    // A name the file system refuses (a part over 255 bytes): unzip reports it and
                    // goes on with the next entry, and so does Judge0's run.
                    continue;
                }
                written.Add(name);
            }
            return (written, null);
        }
        catch (InvalidDataException e)
        {
            return (written, $"additional_files: not a valid zip archive ({e.Message})");
        }
    }

    /// <summary>Files and the folders they imply, as one extraction that never overwrites would leave them.</summary>
    private sealed class BoxPaths
    {
        private readonly HashSet<string> files = new(StringComparer.Ordinal);
        private readonly HashSet<string> folders = new(StringComparer.Ordinal);

        public BoxPaths(IEnumerable<string> existing)
        {
            foreach (var name in existing)
            {
                TryAdd(name);
            }
        }

        /// <summary>False when the name is a file or folder already, or one of its folders is a file.</summary>
        public bool TryAdd(string name)
        {
            if (files.Contains(name) || folders.Contains(name))
            {
                return false;
            }
            var parents = new List<string>();
            for (var slash = name.IndexOf('/'); slash > 0; slash = name.IndexOf('/', slash + 1))
            {
                var folder = name[..slash];
                if (files.Contains(folder))
                {
                    return false;
                }
                parents.Add(folder);
            }
            files.Add(name);
            folders.UnionWith(parents);
            return true;
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
