namespace CodeRunner.Sandbox.Bwrap;

/// <summary>Keeps the first Cap bytes of a stream and counts the rest.</summary>
internal sealed class CappedBuffer(long cap)
{
    private readonly MemoryStream kept = new();

    public long Total { get; private set; }

    public bool Overflowed => Total > cap;

    public void Append(ReadOnlySpan<byte> data)
    {
        var room = (int)Math.Clamp(cap - kept.Length, 0, data.Length);
        kept.Write(data[..room]);
        Total += data.Length;
    }

    public byte[] ToArray() => kept.ToArray();
}
