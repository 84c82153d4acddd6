using System.Text;
using LogSidecar.Pipeline;
using LogSidecar.Sinks.Batching;
using LogSidecar.Sinks.Elasticsearch;

namespace LogSidecar.Tests.Sinks.Batching;

public class RecordIdTests
{
    [Fact]
    public void TheSameRecordReadAgainGetsTheSameIdAndAnotherRecordAnother()
    {
        var first = RecordId.Of(0x803, 0x1a2b, 4096, "line 1 hello"u8);
        var again = RecordId.Of(0x803, 0x1a2b, 4096, "line 1 hello"u8);
        var reusedInode = RecordId.Of(0x803, 0x1a2b, 4096, "line 1 other"u8);

        Assert.Equal(Text(first), Text(again));
        Assert.NotEqual(Text(first), Text(reusedInode));
        Assert.StartsWith("803-1a2b-1000-", Text(first), StringComparison.Ordinal);
    }

    [Fact]
    public void RecordOfACopyReadPastTheTruncationKeepsTheIdItHadInTheOriginal()
    {
        var file = new TrackedFile("/logs/app.log.1", "app");
        var original = Batch(file, new FileIdentity(0x803, 0x1a2b, 1024, 7));
        var copy = Batch(file, new FileIdentity(0x803, 0x9999, 1024, 7) { OriginDevice = 0x803, OriginInode = 0x1a2b });
        var unrelated = Batch(file, new FileIdentity(0x803, 0x9999, 1024, 7));

        Assert.Equal(Text(RecordId.Of(original, original.Records[0])), Text(RecordId.Of(copy, copy.Records[0])));
        Assert.NotEqual(Text(RecordId.Of(original, original.Records[0])), Text(RecordId.Of(unrelated, unrelated.Records[0])));
    }

    [Fact]
    public void TheLongestIdFitsItsBound()
    {
        var id = new RecordId(ulong.MaxValue, ulong.MaxValue, long.MaxValue, ulong.MaxValue);

        Assert.True(Text(id).Length <= RecordId.MaxLength);
    }

    [Fact]
    public void IndexNamesTakeTheRecordsUtcHour()
    {
        var pattern = new IndexPattern("logs-app-%Y.%m.%d-%H");
        var time = new DateTimeOffset(2026, 2, 3, 23, 30, 0, TimeSpan.FromHours(-2));

        Assert.Equal("logs-app-2026.02.04-01", Encoding.UTF8.GetString(pattern.NameFor(IndexPattern.HourOf(time))));
        Assert.Equal("plain", Encoding.UTF8.GetString(new IndexPattern("plain").NameFor(IndexPattern.HourOf(time))));
    }

    private static LineBatch Batch(TrackedFile file, FileIdentity identity)
    {
        var bytes = "line 42 the same record"u8;
        var batch = new LineBatch(file, bytes.Length, DateTimeOffset.UnixEpoch) { Identity = identity };
        bytes.CopyTo(batch.Buffer);
        batch.Add(new LineRecord(0, bytes.Length, 8192, RecordFlags.None));
        return batch;
    }

    private static string Text(RecordId id)
    {
        var buffer = new byte[RecordId.MaxLength];
        return Encoding.ASCII.GetString(buffer, 0, id.Format(buffer));
    }
}
