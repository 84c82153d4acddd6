using LogSidecar.Diagnostics;
using LogSidecar.Parsing;
using LogSidecar.Pipeline;

namespace LogSidecar.Tests.Parsing;

/// <summary>Prepares a record of a batch as the delivery loop does before handing it to the outputs.</summary>
internal static class Prepared
{
    /// <summary>The record at <paramref name="index"/>, parsed by <paramref name="parser"/> (none: a plain stream).</summary>
    public static PreparedRecord Of(LineBatch batch, int index = 0, IRecordParser? parser = null, SidecarMetrics? metrics = null) =>
        Preparer(batch.File, parser, metrics).Prepare(batch, batch.Records[index]);

    public static RecordPreparer Preparer(TrackedFile file, IRecordParser? parser, SidecarMetrics? metrics = null) =>
        new(new Dictionary<string, IRecordParser?>(StringComparer.Ordinal) { [file.Stream] = parser }, metrics ?? new SidecarMetrics());
}
