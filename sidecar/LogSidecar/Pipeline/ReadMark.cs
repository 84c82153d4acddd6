namespace LogSidecar.Pipeline;

/// <summary>
/// What a file held just before <see cref="End"/>: a hash of the last <see cref="Window"/> bytes of one
/// read. A file that has the same first bytes and the same bytes here is taken for a copy of the
/// content these marks were taken from, up to <see cref="End"/>.
/// </summary>
internal readonly record struct ReadMark(long End, int Window, ulong Hash);
