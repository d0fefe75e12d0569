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

    /// <summary>A zip whose headers claim every entry inflates to <paramref name="claimedSize"/> bytes.</summary>
    public static byte[] Lying(uint claimedSize, params (string Name, string Content)[] files)
    {
        var zip = Bytes(files);
        for (var i = 0; i + 30 <= zip.Length; i++)
        {
            var signature = BitConverter.ToUInt32(zip, i);
            if (signature == 0x04034b50)
            {
                BitConverter.TryWriteBytes(zip.AsSpan(i + 22, 4), claimedSize);
            }
            else if (signature == 0x02014b50)
            {
                BitConverter.TryWriteBytes(zip.AsSpan(i + 24, 4), claimedSize);
            }
        }
        return zip;
    }
}
