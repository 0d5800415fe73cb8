namespace CallCampaigns.Api.Imports;

/// <summary>
/// Reads the uploaded file while refusing it the moment it goes over the size limit or shows binary content
/// (a NUL byte), so a wrong file is turned away without being read to the end.
/// </summary>
internal sealed class GuardedStream(Stream inner, long maxBytes) : Stream
{
    private long _read;

    public override int Read(byte[] buffer, int offset, int count) => Check(buffer.AsSpan(offset, inner.Read(buffer, offset, count)));

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var read = await inner.ReadAsync(buffer, cancellationToken);
        return Check(buffer.Span[..read]);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    private int Check(ReadOnlySpan<byte> chunk)
    {
        _read += chunk.Length;
        if (_read > maxBytes) throw TooLarge(maxBytes);
        if (chunk.Contains((byte)0)) throw new RejectedFileException("The file is not UTF-8 CSV text (it holds NUL bytes: a binary file, or UTF-16; save it as \"CSV UTF-8\").");
        return chunk.Length;
    }

    /// <summary>The refusal of a file over <paramref name="maxBytes"/>.</summary>
    public static RejectedFileException TooLarge(long maxBytes) => new($"The file is larger than the limit of {maxBytes / (1024 * 1024)} MB.");

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => _read; set => throw new NotSupportedException(); }

    public override void Flush() { }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
