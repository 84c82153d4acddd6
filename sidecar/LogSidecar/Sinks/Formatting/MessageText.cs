using LogSidecar.Diagnostics;
using LogSidecar.Text;

namespace LogSidecar.Sinks.Formatting;

/// <summary>The record's bytes as valid UTF-8: as they are when valid, else sanitized into a scratch buffer.</summary>
internal sealed class MessageText(SidecarMetrics metrics)
{
    private readonly ScratchBuffer _sanitized = new(4096);

    public ReadOnlySpan<byte> Valid(ReadOnlySpan<byte> bytes)
    {
        if (Utf8Sanitizer.IsValid(bytes))
        {
            return bytes;
        }

        var buffer = _sanitized.Get(Utf8Sanitizer.MaxOutputLength(bytes.Length));
        var length = Utf8Sanitizer.Sanitize(bytes, buffer, out var replaced);
        metrics.InvalidUtf8(replaced);
        return buffer.AsSpan(0, length);
    }
}
