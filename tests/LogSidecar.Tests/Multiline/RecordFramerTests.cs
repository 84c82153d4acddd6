using LogSidecar.Diagnostics;
using LogSidecar.Multiline;
using LogSidecar.Pipeline;

namespace LogSidecar.Tests.Multiline;

public class RecordFramerTests
{
    private readonly SidecarMetrics _metrics = new();

    [Fact]
    public void LinesSplitAcrossReadsAreJoinedAndCarriageReturnsDropped()
    {
        var framer = new RecordFramer(1024, 0);

        var records = FramingHarness.Feed(framer, _metrics, "one\r\ntw", "o\nthr", "ee\n");

        Assert.Equal(["one", "two", "three"], records.Select(r => r.Text));
        Assert.Equal([0L, 5, 9], records.Select(r => r.Offset));
    }

    [Fact]
    public void OverLongLineIsTruncatedAndFlaggedAndTheNextLinesKeepFlowing()
    {
        var framer = new RecordFramer(8, 0);
        var longLine = new string('x', 30);

        var records = FramingHarness.Feed(framer, _metrics, "short\n" + longLine[..10], longLine[10..20], longLine[20..] + "\nafter\n");

        Assert.Equal(["short", "xxxxxxxx", "after"], records.Select(r => r.Text));
        Assert.Equal(RecordFlags.Truncated, records[1].Flags);
        Assert.Equal(RecordFlags.None, records[2].Flags);
        Assert.Equal(6 + 31, records[2].Offset);
        Assert.Contains("logsidecar_dropped_bytes_total{reason=\"line_too_long\"} 22", _metrics.Render(), StringComparison.Ordinal);
    }

    [Fact]
    public void OverLongLineWithinOneReadIsTruncated()
    {
        var framer = new RecordFramer(4, 0);

        var records = FramingHarness.Feed(framer, _metrics, "abcdefgh\nij\n");

        Assert.Equal(["abcd", "ij"], records.Select(r => r.Text));
        Assert.Equal([RecordFlags.Truncated, RecordFlags.None], records.Select(r => r.Flags));
    }

    [Fact]
    public void AfterATruncationTheOpenRecordIsEmittedAndTheUnterminatedLineLeftToTheCopy()
    {
        var framer = new RecordFramer(1024, 100, new JavaRule());
        var records = FramingHarness.Feed(framer, _metrics, "first\nfailed\n  at one\n  at tw");
        Assert.Equal(["first"], records.Select(r => r.Text));

        var batch = new LineBatch(FramingHarness.File, framer.CarryLength, DateTimeOffset.UnixEpoch);
        framer.FlushTerminated(batch);
        var lineStart = batch.EndOffset;

        // The stack trace so far is one record; "  at tw" is not emitted, and a copy is read from where it starts.
        var flushed = Assert.Single(FramingHarness.Collect(batch));
        Assert.Equal(("failed\n  at one", 106L), (flushed.Text, flushed.Offset));
        Assert.Equal(100 + "first\nfailed\n  at one\n".Length, lineStart);
        Assert.False(framer.HasPending);
    }

    [Fact]
    public void UnterminatedLineIsEmittedOnlyWhenFlushed()
    {
        var framer = new RecordFramer(1024, 100);
        var records = FramingHarness.Feed(framer, _metrics, "done\npart");
        Assert.Equal(["done"], records.Select(r => r.Text));
        Assert.True(framer.HasPending);

        var batch = new LineBatch(FramingHarness.File, framer.CarryLength, DateTimeOffset.UnixEpoch);
        framer.FlushPending(batch);

        var flushed = Assert.Single(FramingHarness.Collect(batch));
        Assert.Equal("part", flushed.Text);
        Assert.Equal(RecordFlags.Unterminated, flushed.Flags);
        Assert.Equal(105, flushed.Offset);
        Assert.Equal(109, batch.EndOffset);
        Assert.False(framer.HasPending);
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

            var framer = new RecordFramer(1024, 0);
            var records = FramingHarness.Feed(framer, _metrics, [.. chunks]);

            Assert.Equal(lines, records.Select(r => r.Text));
            Assert.False(framer.HasPending);
        }
    }
}
