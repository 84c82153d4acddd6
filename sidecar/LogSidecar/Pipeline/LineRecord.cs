namespace LogSidecar.Pipeline;

/// <summary>
/// One record inside a <see cref="LineBatch"/> buffer: where its bytes are and where it started
/// in the file (its offset is half of its id).
/// </summary>
internal readonly record struct LineRecord(int Start, int Length, long FileOffset, RecordFlags Flags);
