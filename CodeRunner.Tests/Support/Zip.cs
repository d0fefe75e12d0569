using System.IO.Compression;

namespace CodeRunner.Tests.Support;

internal static class Zip
{
    public static byte[] Bytes(params (string Name, string Content)[] files)
    {
        using var memory = new MemoryStream();
        using (var zip = new ZipArchive(memory, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, content) in files)
            {
                using var entry = zip.CreateEntry(name).Open();
                entry.Write(Encoding.UTF8.GetBytes(content));
            }
        }
        return memory.ToArray();
    }

    public static string Base64(params (string Name, string Content)[] files) => Convert.ToBase64String(Bytes(files));
}
