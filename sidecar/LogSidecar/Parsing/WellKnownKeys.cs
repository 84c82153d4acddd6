using System.Text;
using LogSidecar.Contracts.Configuration;

namespace LogSidecar.Parsing;

/// <summary>
/// Which keys of a json or logfmt record hold its time, severity and message: the stream's own
/// lists, or the built-in ones, first match wins.
/// </summary>
internal sealed class WellKnownKeys
{
    public static readonly string[] DefaultTimeKeys = ["time", "timestamp", "@timestamp", "ts", "t", "datetime", "date", "eventTime"];
    public static readonly string[] DefaultLevelKeys = ["level", "severity", "lvl", "loglevel", "log.level", "levelname", "severity_text"];
    public static readonly string[] DefaultMessageKeys = ["msg", "message", "@message", "log", "text", "body"];

    public WellKnownKeys(StreamConfig stream)
    {
        Time = Utf8(stream.TimeKeys.Count > 0 ? stream.TimeKeys : DefaultTimeKeys);
        Level = Utf8(stream.LevelKeys.Count > 0 ? stream.LevelKeys : DefaultLevelKeys);
        Message = Utf8(stream.MessageKeys.Count > 0 ? stream.MessageKeys : DefaultMessageKeys);
    }

    public byte[][] Time { get; }

    public byte[][] Level { get; }

    public byte[][] Message { get; }

    /// <summary>The position of <paramref name="key"/> in <paramref name="keys"/> (lower is preferred), or -1.</summary>
    public static int Rank(byte[][] keys, ReadOnlySpan<byte> key)
    {
        for (var i = 0; i < keys.Length; i++)
        {
            if (key.SequenceEqual(keys[i]))
            {
                return i;
            }
        }

        return -1;
    }

    private static byte[][] Utf8(IEnumerable<string> keys) => [.. keys.Select(Encoding.UTF8.GetBytes)];
}
