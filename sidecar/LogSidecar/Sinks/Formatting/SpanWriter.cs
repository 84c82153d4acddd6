namespace LogSidecar.Sinks.Formatting;

/// <summary>
/// Appending bytes to a span that was sized beforehand, keeping count of what was written: how the
/// encoders lay out a request without a write call per field.
/// </summary>
internal static class SpanWriter
{
    public static void Put(Span<byte> span, ref int written, ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(span[written..]);
        written += bytes.Length;
    }
}
