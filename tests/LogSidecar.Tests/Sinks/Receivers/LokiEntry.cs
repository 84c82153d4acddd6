namespace LogSidecar.Tests.Sinks.Receivers;

/// <summary>One log entry a Loki receiver stored: its stream's labels, its timestamp in nanoseconds and its line.</summary>
internal sealed record LokiEntry(IReadOnlyDictionary<string, string> Labels, long UnixNanos, string Line);
