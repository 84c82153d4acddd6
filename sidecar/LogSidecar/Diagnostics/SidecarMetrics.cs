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
    private readonly long[] _httpClosed = new long[Enum.GetValues<HttpCloseReason>().Length];
    private readonly ConcurrentDictionary<TrackedFile, byte> _files = new();
    private readonly List<SinkMetrics> _sinks = [];
    private readonly ConcurrentDictionary<string, long> _parseErrors = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string Stream, string Regex), long> _regexTimeouts = new();
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
    private long _checkpointsSetAside;
    private long _checkpointSaveFailures;
    private long _checkpointSaveFailing;

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
    public void CheckpointsSetAside() => Interlocked.Increment(ref _checkpointsSetAside);

    public void CheckpointSaveFailed() => Interlocked.Increment(ref _checkpointSaveFailures);

    public void CheckpointSaving(bool failing) => Interlocked.Exchange(ref _checkpointSaveFailing, failing ? 1 : 0);

    public void ParseError(string stream) => _parseErrors.AddOrUpdate(stream, 1, static (_, count) => count + 1);

    public void HttpConnectionClosed(HttpCloseReason reason) => Interlocked.Increment(ref _httpClosed[(int)reason]);

    public void RegexTimedOut(string stream, string regex) => _regexTimeouts.AddOrUpdate((stream, regex), 1, static (_, count) => count + 1);

    /// <summary>Registers a sink's counters before the endpoint starts serving.</summary>
    public SinkMetrics AddSink(string name)
    {
        var sink = new SinkMetrics(name);
        _sinks.Add(sink);
        return sink;
    }

    public IReadOnlyList<SinkMetrics> Sinks => _sinks;

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
        Counter(text, "logsidecar_checkpoint_files_set_aside_total", "Checkpoint files that could not be used at start and were moved aside.", Interlocked.Read(ref _checkpointsSetAside));
        Counter(text, "logsidecar_checkpoint_save_failures_total", "Checkpoint saves that failed.", Interlocked.Read(ref _checkpointSaveFailures));
        text.Append(CultureInfo.InvariantCulture, $"# HELP logsidecar_checkpoint_save_failing 1 while the last checkpoint save failed.\n# TYPE logsidecar_checkpoint_save_failing gauge\nlogsidecar_checkpoint_save_failing {Interlocked.Read(ref _checkpointSaveFailing)}\n");

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

        text.Append("# HELP logsidecar_http_connections_closed_total Connections to this endpoint closed before they were answered, by reason.\n");
        text.Append("# TYPE logsidecar_http_connections_closed_total counter\n");
        foreach (var reason in Enum.GetValues<HttpCloseReason>())
        {
            var label = reason == HttpCloseReason.OverLimit ? "over_limit" : "timeout";
            text.Append(CultureInfo.InvariantCulture, $"logsidecar_http_connections_closed_total{{reason=\"{label}\"}} {Interlocked.Read(ref _httpClosed[(int)reason])}\n");
        }

        text.Append("# HELP logsidecar_parse_errors_total Records that did not parse in their stream's format and passed through as plain text.\n");
        text.Append("# TYPE logsidecar_parse_errors_total counter\n");
        foreach (var (stream, count) in _parseErrors)
        {
            text.Append(CultureInfo.InvariantCulture, $"logsidecar_parse_errors_total{{stream=\"{PrometheusText.Label(stream)}\"}} {count}\n");
        }

        text.Append("# HELP logsidecar_regex_timeouts_total Matches of a backtracking format or multiline regex that ran out of time, by stream and regex.\n");
        text.Append("# TYPE logsidecar_regex_timeouts_total counter\n");
        foreach (var ((stream, regex), count) in _regexTimeouts)
        {
            text.Append(CultureInfo.InvariantCulture, $"logsidecar_regex_timeouts_total{{stream=\"{PrometheusText.Label(stream)}\",regex=\"{regex}\"}} {count}\n");
        }

        text.Append("# HELP logsidecar_file_lag_bytes Bytes in the file not yet acknowledged by the output.\n");
        text.Append("# TYPE logsidecar_file_lag_bytes gauge\n");
        foreach (var file in _files.Keys)
        {
            var acknowledged = file.Acknowledged?.Offset ?? 0;
            var lag = Math.Max(0, file.Size - acknowledged);
            text.Append(CultureInfo.InvariantCulture, $"logsidecar_file_lag_bytes{{stream=\"{PrometheusText.Label(file.Stream)}\",file=\"{PrometheusText.Label(file.Path)}\"}} {lag}\n");
        }

        SinkMetrics.Render(text, _sinks);
        return text.ToString();
    }

    public static string ReasonLabel(DropReason reason) => reason switch
    {
        DropReason.LineTooLong => "line_too_long",
        DropReason.RecordTooLarge => "record_too_large",
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

}
