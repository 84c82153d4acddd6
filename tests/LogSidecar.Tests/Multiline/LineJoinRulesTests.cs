using LogSidecar.Contracts.Configuration;
using LogSidecar.Diagnostics;
using LogSidecar.Multiline;
using LogSidecar.Pipeline;
using LogSidecar.Tailing;
using LogSidecar.Text;

namespace LogSidecar.Tests.Multiline;

public class LineJoinRulesTests
{
    private readonly SidecarMetrics _metrics = new();

    public static TheoryData<string, string> Samples => new()
    {
        { MultilinePresets.Java, nameof(MultilineSamples.SpringBoot) },
        { MultilinePresets.DotNet, nameof(MultilineSamples.AspNetCore) },
        { MultilinePresets.Python, nameof(MultilineSamples.Django) },
        { MultilinePresets.Go, nameof(MultilineSamples.GoPanic) },
    };

    [Theory]
    [MemberData(nameof(Samples))]
    public void PresetJoinsEachStackTraceIntoTheRecordOfItsLogLine(string preset, string sample)
    {
        var expected = Records(sample);
        var text = string.Join('\n', expected) + "\n";

        foreach (var seed in new[] { 1, 2, 3 })
        {
            var framer = Framer(new MultilineConfig { Preset = preset });
            var records = FramingHarness.Feed(framer, _metrics, FramingHarness.Chunks(text, seed));
            records.AddRange(FramingHarness.Flush(framer));

            Assert.Equal(expected, records.Select(r => r.Text));
        }
    }

    [Fact]
    public void FirstLineRegexStartsRecordsAndEverythingElseContinues()
    {
        var framer = Framer(new MultilineConfig { FirstLine = @"^\d{4}-\d{2}-\d{2} " });

        var records = FramingHarness.Feed(framer, _metrics, "2026-11-23 a\n  b\nc\n2026-11-23 d\n");
        records.AddRange(FramingHarness.Flush(framer));

        Assert.Equal(["2026-11-23 a\n  b\nc", "2026-11-23 d"], records.Select(r => r.Text));
    }

    [Fact]
    public void ContinuationRegexContinuesAndEverythingElseStarts()
    {
        var framer = Framer(new MultilineConfig { Continuation = @"^\s" });

        var records = FramingHarness.Feed(framer, _metrics, "a\n b\n c\nd\n");
        records.AddRange(FramingHarness.Flush(framer));

        Assert.Equal(["a\n b\n c", "d"], records.Select(r => r.Text));
        Assert.Equal([0L, 8], records.Select(r => r.Offset));
    }

    [Fact]
    public void OpenRecordIsNotPassedByTheCheckpointUntilItIsFlushed()
    {
        var framer = Framer(new MultilineConfig { Preset = MultilinePresets.Java });
        var batch = new LineBatch(FramingHarness.File, 256, DateTimeOffset.UnixEpoch);
        var bytes = "first\nsecond\n\tat x\n"u8.ToArray();
        bytes.CopyTo(batch.Buffer, 0);

        framer.Frame(batch, 0, bytes.Length, _metrics);

        Assert.Equal(["first"], FramingHarness.Collect(batch).Select(r => r.Text));
        Assert.Equal(6, batch.EndOffset); // the start of "second", whose record is still open
        Assert.True(framer.HasOpenRecord);
    }

    [Fact]
    public void TraceAtEndOfFileWithoutNewlineIsEmittedWholeWhenFlushed()
    {
        var framer = Framer(new MultilineConfig { Preset = MultilinePresets.Java });

        var records = FramingHarness.Feed(framer, _metrics, "boom\njava.lang.Error: x\n\tat a(A.java:1)\n\tat b(B.java:2)");
        Assert.Empty(records);
        var flushed = Assert.Single(FramingHarness.Flush(framer));

        Assert.Equal("boom\njava.lang.Error: x\n\tat a(A.java:1)\n\tat b(B.java:2)", flushed.Text);
        Assert.Equal(RecordFlags.Unterminated, flushed.Flags);
    }

    [Fact]
    public void TenThousandLineTraceIsCutAtMaxLinesFlaggedAndTheRemainderStartsANewRecord()
    {
        var framer = Framer(new MultilineConfig { Preset = MultilinePresets.Java, MaxLines = 1000, MaxBytes = 16 * 1024 * 1024 });
        var trace = "Exception in thread \"main\" java.lang.StackOverflowError\n"
            + string.Concat(Enumerable.Range(0, 9999).Select(i => $"\tat com.example.Recursion.dive(Recursion.java:{i})\n"));

        var records = FramingHarness.Feed(framer, _metrics, FramingHarness.Chunks(trace, seed: 5, maxChunk: 4096));
        records.AddRange(FramingHarness.Flush(framer));

        Assert.Equal(10, records.Count);
        Assert.All(records, r => Assert.Equal(1000, r.Text.Split('\n').Length));
        Assert.All(records.SkipLast(1), r => Assert.Equal(RecordFlags.Truncated, r.Flags));
        Assert.Equal(trace, string.Concat(records.Select(r => r.Text + "\n")));
    }

    [Fact]
    public void InterleavedTracesFromTwoThreadsLoseNoByteWhateverTheyAreJoinedWith()
    {
        var text = """
            2026-11-23 10:00:01 ERROR [t1] first failed
            2026-11-23 10:00:01 ERROR [t2] second failed
            java.lang.IllegalStateException: one
            java.lang.IllegalArgumentException: two
            	at A.a(A.java:1)
            	at B.b(B.java:2)
            	at A.a2(A.java:3)
            2026-11-23 10:00:02 INFO  [t1] recovered

            """;
        var framer = Framer(new MultilineConfig { Preset = MultilinePresets.Java });

        var records = FramingHarness.Feed(framer, _metrics, FramingHarness.Chunks(text, seed: 9));
        records.AddRange(FramingHarness.Flush(framer));

        Assert.Equal(text, string.Concat(records.Select(r => r.Text + "\n")));
        Assert.All(records, r => Assert.StartsWith("2026-11-23", r.Text, StringComparison.Ordinal));
    }

    [Fact]
    public void JsonLinesNeverJoinEvenWithAStackTracePreset()
    {
        var framer = Framer(new MultilineConfig { Preset = MultilinePresets.Java });
        var text = "{\"msg\":\"a\"}\n{\"msg\":\"b\",\"stack\":\"java.lang.Error: x\\n\\tat A.a\"}\n{\"msg\":\"c\"}\n";

        var records = FramingHarness.Feed(framer, _metrics, text);
        records.AddRange(FramingHarness.Flush(framer));

        Assert.Equal(3, records.Count);
    }

    private static RecordFramer Framer(MultilineConfig config) =>
        new WatchedStream(new StreamConfig { Name = "app", Paths = ["/logs/*.log"], Multiline = config }, RegexUse.None).CreateFramer(256 * 1024, 0);

    private static List<string> Records(string sample) =>
        [.. ((string[])typeof(MultilineSamples).GetField(sample)!.GetValue(null)!).Select(r => r.TrimEnd('\n').Replace("\r\n", "\n", StringComparison.Ordinal))];
}
