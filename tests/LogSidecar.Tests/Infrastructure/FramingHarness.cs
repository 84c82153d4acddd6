using System.Text;
using LogSidecar.Diagnostics;
using LogSidecar.Multiline;
using LogSidecar.Pipeline;

namespace LogSidecar.Tests;

/// <summary>Feeds text to a <see cref="RecordFramer"/> in chunks, the way the tailer's reads do, and collects the records.</summary>
internal static class FramingHarness
{
    public static readonly TrackedFile File = new("/logs/a.log", "app");

    public static List<(string Text, long Offset, RecordFlags Flags)> Feed(RecordFramer framer, SidecarMetrics metrics, params string[] chunks)
    {
        var records = new List<(string, long, RecordFlags)>();
        foreach (var chunk in chunks)
        {
            var bytes = Encoding.UTF8.GetBytes(chunk);
            var batch = new LineBatch(File, framer.CarryLength + bytes.Length, DateTimeOffset.UnixEpoch);
            var carried = framer.CopyCarryTo(batch.Buffer);
            bytes.CopyTo(batch.Buffer, carried);
            framer.Frame(batch, carried, bytes.Length, metrics);
            records.AddRange(Collect(batch));
        }

        return records;
    }

    /// <summary>Everything pending, as the idle timeout or shutdown would emit it.</summary>
    public static List<(string Text, long Offset, RecordFlags Flags)> Flush(RecordFramer framer)
    {
        var batch = new LineBatch(File, Math.Max(1, framer.CarryLength), DateTimeOffset.UnixEpoch);
        framer.FlushPending(batch);
        return Collect(batch);
    }

    public static List<(string Text, long Offset, RecordFlags Flags)> Collect(LineBatch batch)
    {
        var result = new List<(string, long, RecordFlags)>();
        foreach (var record in batch.Records)
        {
            result.Add((Encoding.UTF8.GetString(batch.Bytes(record)), record.FileOffset, record.Flags));
        }

        batch.Release();
        return result;
    }

    /// <summary>Splits <paramref name="text"/> into random chunks (seeded), like reads of arbitrary sizes.</summary>
    public static string[] Chunks(string text, int seed, int maxChunk = 50)
    {
        var random = new Random(seed);
        var chunks = new List<string>();
        for (var pos = 0; pos < text.Length;)
        {
            var size = Math.Min(random.Next(1, maxChunk), text.Length - pos);
            chunks.Add(text.Substring(pos, size));
            pos += size;
        }

        return [.. chunks];
    }
}
