using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using LogSidecar.Shipping;
using LogSidecar.Tailing;

namespace LogSidecar.Diagnostics;

/// <summary>
/// The sidecar's counters, updated lock-free on the hot path and rendered in the Prometheus text
/// format on demand.
/// </summary>
internal sealed class SidecarMetrics
{
    private readonly long[] _droppedBytes = new long[Enum.GetValues<DropReason>().Length];
    private readonly long[] _skippedPaths = new long[Enum.GetValues<SkipReason>().Length];
    private readonly ConcurrentDictionary<TrackedFile, byte> _files = new();
    private readonly List<SinkMetrics> _sinks = [];
    private readonly ConcurrentDictionary<string, long> _parseErrors = new(StringComparer.Ordinal);
    private readonly List<(string Name, string Help, Func<long> Value)> _gauges = [];
    private long _recordsRead;
    private long _bytesRead;
    private long _recordsWritten;
    private long _bytesWritten;
    private long _linesTruncated;
    private long _recordsSplit;
    private long _rotations;
    private long _truncations;
    private long _invalidUtf8Bytes;
    private long _fileErrors;
    private long _scansCutShort;
    private long _copiesRecognized;

    public long RecordsRead => Interlocked.Read(ref _recordsRead);

    public long RecordsWritten => Interlocked.Read(ref _recordsWritten);

    public long BytesRead => Interlocked.Read(ref _bytesRead);

    public void Read(int records, long bytes)
    {
        Interlocked.Add(ref _recordsRead, records);
        Interlocked.Add(ref _bytesRead, bytes);
    }

    public void Written(int records, long bytes)
    {
        Interlocked.Add(ref _recordsWritten, records);
        Interlocked.Add(ref _bytesWritten, bytes);
    }

    public void LineTruncated(long droppedBytes)
    {
        Interlocked.Increment(ref _linesTruncated);
        Dropped(DropReason.LineTooLong, droppedBytes);
    }

    public void Dropped(DropReason reason, long bytes) => Interlocked.Add(ref _droppedBytes[(int)reason], bytes);

    public void RecordSplit() => Interlocked.Increment(ref _recordsSplit);

    public void Rotated() => Interlocked.Increment(ref _rotations);

    public void Truncated() => Interlocked.Increment(ref _truncations);

    public void InvalidUtf8(int bytes) => Interlocked.Add(ref _invalidUtf8Bytes, bytes);

    public void FileError() => Interlocked.Increment(ref _fileErrors);

    /// <summary>A path discovery left alone; counted once per path (and per file for compressed ones), not per poll.</summary>
    public void Skipped(SkipReason reason) => Interlocked.Increment(ref _skippedPaths[(int)reason]);

    public void ScanCutShort() => Interlocked.Increment(ref _scansCutShort);

    /// <summary>A file recognised by its content as a copy of tailed content, read only past what was read.</summary>
    public void CopyRecognized() => Interlocked.Increment(ref _copiesRecognized);

    public void ParseError(string stream) => _parseErrors.AddOrUpdate(stream, 1, static (_, count) => count + 1);

    /// <summary>Registers a sink's counters before the endpoint starts serving.</summary>
    public SinkMetrics AddSink(string name)
    {
        var sink = new SinkMetrics(name);
        _sinks.Add(sink);
        return sink;
    }

    public IReadOnlyList<SinkMetrics> Sinks => _sinks;

    /// <summary>Registers a gauge read when the endpoint renders, before the endpoint starts serving.</summary>
    public void AddGauge(string name, string help, Func<long> value) => _gauges.Add((name, help, value));

    public void Track(TrackedFile file) => _files.TryAdd(file, 0);

    public void Untrack(TrackedFile file) => _files.TryRemove(file, out _);

    public string Render()
    {
        var text = new StringBuilder(2048);
        Counter(text, "logsidecar_records_read_total", "Records framed from files.", RecordsRead);
        Counter(text, "logsidecar_bytes_read_total", "Bytes read from files.", BytesRead);
        Counter(text, "logsidecar_records_written_total", "Records written to stdout.", RecordsWritten);
        Counter(text, "logsidecar_bytes_written_total", "Bytes written to stdout.", Interlocked.Read(ref _bytesWritten));
        Counter(text, "logsidecar_lines_truncated_total", "Lines longer than tailing.maxLineBytes.", Interlocked.Read(ref _linesTruncated));
        Counter(text, "logsidecar_records_split_total", "Records split to fit output.maxRecordBytes.", Interlocked.Read(ref _recordsSplit));
        Counter(text, "logsidecar_rotations_total", "Files rotated away or deleted and drained.", Interlocked.Read(ref _rotations));
        Counter(text, "logsidecar_truncations_total", "Files truncated or rewritten in place; reading restarted at 0.", Interlocked.Read(ref _truncations));
        Counter(text, "logsidecar_invalid_utf8_bytes_total", "Bytes replaced with U+FFFD.", Interlocked.Read(ref _invalidUtf8Bytes));
        Counter(text, "logsidecar_file_errors_total", "Files that could not be opened or read.", Interlocked.Read(ref _fileErrors));

        text.Append("# HELP logsidecar_dropped_bytes_total Bytes that did not reach the output whole, by reason.\n");
        text.Append("# TYPE logsidecar_dropped_bytes_total counter\n");
        foreach (var reason in Enum.GetValues<DropReason>())
        {
            text.Append(CultureInfo.InvariantCulture, $"logsidecar_dropped_bytes_total{{reason=\"{ReasonLabel(reason)}\"}} {Interlocked.Read(ref _droppedBytes[(int)reason])}\n");
        }

        text.Append("# HELP logsidecar_paths_skipped_total Paths discovery did not read or enter, by reason; each counted once until it goes away.\n");
        text.Append("# TYPE logsidecar_paths_skipped_total counter\n");
        foreach (var reason in Enum.GetValues<SkipReason>())
        {
            text.Append(CultureInfo.InvariantCulture, $"logsidecar_paths_skipped_total{{reason=\"{ReasonLabel(reason)}\"}} {Interlocked.Read(ref _skippedPaths[(int)reason])}\n");
        }

        Counter(text, "logsidecar_scans_cut_short_total", "Scans of a glob that stopped at tailing.maxScanEntries.", Interlocked.Read(ref _scansCutShort));
        Counter(text, "logsidecar_copies_recognized_total", "Files recognised by their content as copies of tailed files (copytruncate, backups), read only past what was read.", Interlocked.Read(ref _copiesRecognized));

        text.Append("# HELP logsidecar_parse_errors_total Records that did not parse in their stream's format and passed through as plain text.\n");
        text.Append("# TYPE logsidecar_parse_errors_total counter\n");
        foreach (var (stream, count) in _parseErrors)
        {
            text.Append(CultureInfo.InvariantCulture, $"logsidecar_parse_errors_total{{stream=\"{Escape(stream)}\"}} {count}\n");
        }

        text.Append("# HELP logsidecar_file_lag_bytes Bytes in the file not yet acknowledged by the output.\n");
        text.Append("# TYPE logsidecar_file_lag_bytes gauge\n");
        foreach (var file in _files.Keys)
        {
            var acknowledged = file.Acknowledged?.Offset ?? 0;
            var lag = Math.Max(0, file.Size - acknowledged);
            text.Append(CultureInfo.InvariantCulture, $"logsidecar_file_lag_bytes{{stream=\"{Escape(file.Stream)}\",file=\"{Escape(file.Path)}\"}} {lag}\n");
        }

        foreach (var (name, help, value) in _gauges)
        {
            text.Append(CultureInfo.InvariantCulture, $"# HELP {name} {help}\n# TYPE {name} gauge\n{name} {value()}\n");
        }

        SinkMetrics.Render(text, _sinks);
        return text.ToString();
    }

    public static string ReasonLabel(DropReason reason) => reason switch
    {
        DropReason.LineTooLong => "line_too_long",
        DropReason.RecordTooLarge => "record_too_large",
        DropReason.GoneBeforeRead => "gone_before_read",
        DropReason.TruncatedBeforeRead => "truncated_before_read",
        _ => "unknown",
    };

    public static string ReasonLabel(SkipReason reason) => reason switch
    {
        SkipReason.OutsideRoot => "outside_root",
        SkipReason.NotRegular => "not_regular",
        SkipReason.Compressed => "compressed",
        SkipReason.Loop => "loop",
        SkipReason.TooDeep => "too_deep",
        _ => "unknown",
    };

    private static void Counter(StringBuilder text, string name, string help, long value) =>
        text.Append(CultureInfo.InvariantCulture, $"# HELP {name} {help}\n# TYPE {name} counter\n{name} {value}\n");

    private static string Escape(string label) =>
        label.Replace("\\", "\\\\", StringComparison.Ordinal)
            .Replace("\"", "\\\"", StringComparison.Ordinal)
            .Replace("\n", "\\n", StringComparison.Ordinal);
}
