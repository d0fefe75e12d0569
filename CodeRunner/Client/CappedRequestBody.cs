namespace CodeRunner.Client;

/// <summary>
/// The browser's request body as the forwarder reads it, refused once more than the limit has
/// come (a chunked body gives no length up front). Kestrel's own limit is lifted instead, so that
/// after the 413 Kestrel drains the rest for a few seconds and the browser reads the answer
/// rather than a reset connection.
/// </summary>
internal sealed class CappedRequestBody(Stream inner, long maxBytes) : Stream
{
    private long _read;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => _read;
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Count(inner.Read(buffer, offset, count));

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        Count(await inner.ReadAsync(buffer, cancellationToken));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    private int Count(int read)
    {
        _read += read;
        return _read > maxBytes
            ? throw new BadHttpRequestException(RequestBody.TooLarge(maxBytes), StatusCodes.Status413PayloadTooLarge)
            : read;
    }
}
