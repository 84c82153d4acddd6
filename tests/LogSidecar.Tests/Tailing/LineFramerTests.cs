using System.Text;
using LogSidecar.Diagnostics;
using LogSidecar.Pipeline;
using LogSidecar.Tailing;

namespace LogSidecar.Tests.Tailing;

public class LineFramerTests
{
    private readonly SidecarMetrics _metrics = new();
    private readonly TrackedFile _file = new("/logs/a.log", "app");

    [Fact]
    public void LinesSplitAcrossReadsAreJoinedAndCarriageReturnsDropped()
    {
        var framer = new LineFramer(1024, 0);

        var records = Feed(framer, "one\r\ntw", "o\nthr", "ee\n");

        Assert.Equal(["one", "two", "three"], records.Select(r => r.Text));
        Assert.Equal([0L, 5, 9], records.Select(r => r.Offset));
    }

    [Fact]
    public void OverLongLineIsTruncatedAndFlaggedAndTheNextLinesKeepFlowing()
    {
        var framer = new LineFramer(8, 0);
        var longLine = new string('x', 30);

        var records = Feed(framer, "short\n" + longLine[..10], longLine[10..20], longLine[20..] + "\nafter\n");

        Assert.Equal(["short", "xxxxxxxx", "after"], records.Select(r => r.Text));
        Assert.Equal(RecordFlags.Truncated, records[1].Flags);
        Assert.Equal(RecordFlags.None, records[2].Flags);
        Assert.Equal(6 + 31, records[2].Offset);
        Assert.Contains("logsidecar_dropped_bytes_total{reason=\"line_too_long\"} 22", _metrics.Render(), StringComparison.Ordinal);
    }

    [Fact]
    public void OverLongLineWithinOneReadIsTruncated()
    {
        var framer = new LineFramer(4, 0);

        var records = Feed(framer, "abcdefgh\nij\n");

        Assert.Equal(["abcd", "ij"], records.Select(r => r.Text));
        Assert.Equal([RecordFlags.Truncated, RecordFlags.None], records.Select(r => r.Flags));
    }

    [Fact]
    public void UnterminatedLineIsEmittedOnlyWhenFlushed()
    {
        var framer = new LineFramer(1024, 100);
        var records = Feed(framer, "done\npart");
        Assert.Equal(["done"], records.Select(r => r.Text));
        Assert.True(framer.HasPartial);

        var batch = new LineBatch(_file, framer.CarryLength, DateTimeOffset.UnixEpoch);
        framer.FlushPartial(batch);

        var flushed = Assert.Single(Collect(batch));
        Assert.Equal("part", flushed.Text);
        Assert.Equal(RecordFlags.Unterminated, flushed.Flags);
        Assert.Equal(105, flushed.Offset);
        Assert.Equal(109, batch.EndOffset);
        Assert.False(framer.HasPartial);
    }

    [Fact]
    public void EveryByteEndsUpInARecordWhateverTheReadSizes()
    {
        var random = new Random(7);
        for (var round = 0; round < 100; round++)
        {
            var lines = Enumerable.Range(0, random.Next(1, 40)).Select(i => new string('a', random.Next(0, 30)) + i).ToList();
            var text = string.Join('\n', lines) + "\n";
            var chunks = new List<string>();
            for (var pos = 0; pos < text.Length;)
            {
                var size = Math.Min(random.Next(1, 50), text.Length - pos);
                chunks.Add(text.Substring(pos, size));
                pos += size;
            }

            var framer = new LineFramer(1024, 0);
            var records = Feed(framer, [.. chunks]);

            Assert.Equal(lines, records.Select(r => r.Text));
            Assert.False(framer.HasPartial);
        }
    }

    private List<(string Text, long Offset, RecordFlags Flags)> Feed(LineFramer framer, params string[] chunks)
    {
        var records = new List<(string, long, RecordFlags)>();
        foreach (var chunk in chunks)
        {
            var bytes = Encoding.UTF8.GetBytes(chunk);
            var batch = new LineBatch(_file, framer.CarryLength + bytes.Length, DateTimeOffset.UnixEpoch);
            var carried = framer.CopyCarryTo(batch.Buffer);
            bytes.CopyTo(batch.Buffer, carried);
            framer.Frame(batch, carried, bytes.Length, _metrics);
            records.AddRange(Collect(batch));
        }

        return records;
    }

    private static List<(string Text, long Offset, RecordFlags Flags)> Collect(LineBatch batch)
    {
        var result = new List<(string, long, RecordFlags)>();
        foreach (var record in batch.Records)
        {
            result.Add((Encoding.UTF8.GetString(batch.Bytes(record)), record.FileOffset, record.Flags));
        }

        batch.Release();
        return result;
    }
}
