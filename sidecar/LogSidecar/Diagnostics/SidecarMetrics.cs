using System.Collections.Concurrent;
using System.Globalization;
using System.Text;

namespace LogSidecar.Diagnostics;

/// <summary>
/// The sidecar's counters, updated lock-free on the hot path and rendered in the Prometheus text
/// format on demand. Labels come from bounded sets only: stream and sink names from the
/// configuration, reasons from short fixed lists; never a file path or a line's content.
/// </summary>
internal sealed class SidecarMetrics
{
    private readonly long[] _droppedBytes = new long[Enum.GetValues<DropReason>().Length];
    private readonly long[] _skippedPaths = new long[Enum.GetValues<SkipReason>().Length];
    private readonly long[] _httpClosed = new long[Enum.GetValues<HttpCloseReason>().Length];
    private readonly ConcurrentDictionary<ILaggingFile, byte> _files = new();
    private readonly List<SinkMetrics> _sinks = [];
    private readonly ConcurrentDictionary<string, StreamCounters> _streams = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string Stream, string Regex), long> _regexTimeouts = new();
    private readonly double _startTimeSeconds;
    private readonly List<(string Name, string Help, Func<long> Value)> _gauges = [];
    private readonly List<Action<StringBuilder>> _sections = [];
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
    private long _copiesRecognized;

    /// <summary>
    /// <paramref name="streams"/> are the configured stream names: their series exist from the start, at 0,
    /// so that rates and alerts see the first error rather than a series that appears out of nowhere.
    /// The start time (<c>process_start_time_seconds</c>) comes from <paramref name="time"/>.
    /// </summary>
    public SidecarMetrics(IEnumerable<string>? streams = null, TimeProvider? time = null)
    {
        foreach (var stream in streams ?? [])
        {
            _streams.TryAdd(stream, new StreamCounters());
        }

        _startTimeSeconds = (time ?? TimeProvider.System).GetUtcNow().ToUnixTimeMilliseconds() / 1000.0;
    }

    public long RecordsRead => _streams.Values.Sum(stream => stream.Records);

    public long RecordsWritten => Interlocked.Read(ref _recordsWritten);

    public void Read(string stream, int records, long bytes) => Stream(stream).Read(records, bytes);

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

    public void ParseError(string stream) => Stream(stream).ParseError();

    public void HttpConnectionClosed(HttpCloseReason reason) => Interlocked.Increment(ref _httpClosed[(int)reason]);

    public void RegexTimedOut(string stream, string regex) => _regexTimeouts.AddOrUpdate((stream, regex), 1, static (_, count) => count + 1);

    /// <summary>A file recognised by its content as a copy of tailed content, read only past what was read.</summary>
    public void CopyRecognized() => Interlocked.Increment(ref _copiesRecognized);

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

    /// <summary>Registers a part that renders its own families (a source's), before the endpoint starts serving.</summary>
    public void AddSection(Action<StringBuilder> render) => _sections.Add(render);

    public void Track(ILaggingFile file) => _files.TryAdd(file, 0);

    public void Untrack(ILaggingFile file) => _files.TryRemove(file, out _);

    public string Render()
    {
        var text = new StringBuilder(2048);
        text.Append("# HELP process_start_time_seconds Start time of the process since the Unix epoch, in seconds.\n");
        text.Append("# TYPE process_start_time_seconds gauge\n");
        text.Append(CultureInfo.InvariantCulture, $"process_start_time_seconds {_startTimeSeconds}\n");
        var streams = _streams.OrderBy(pair => pair.Key, StringComparer.Ordinal).ToList();
        PerStream(text, "logsidecar_records_read_total", "counter", "Records framed from the stream's files.", streams.Select(pair => (pair.Key, pair.Value.Records)));
        PerStream(text, "logsidecar_bytes_read_total", "counter", "Bytes read from the stream's files.", streams.Select(pair => (pair.Key, pair.Value.Bytes)));
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
        Counter(text, "logsidecar_checkpoint_files_set_aside_total", "Checkpoint files that could not be used at start and were moved aside.", Interlocked.Read(ref _checkpointsSetAside));
        Counter(text, "logsidecar_checkpoint_save_failures_total", "Checkpoint saves that failed.", Interlocked.Read(ref _checkpointSaveFailures));
        text.Append("# HELP logsidecar_checkpoint_save_failing 1 while saving checkpoints fails, else 0.\n");
        text.Append("# TYPE logsidecar_checkpoint_save_failing gauge\n");
        text.Append(CultureInfo.InvariantCulture, $"logsidecar_checkpoint_save_failing {Interlocked.Read(ref _checkpointSaveFailing)}\n");
        Counter(text, "logsidecar_copies_recognized_total", "Files recognised by their content as copies of tailed files (copytruncate, backups), read only past what was read.", Interlocked.Read(ref _copiesRecognized));

        text.Append("# HELP logsidecar_http_connections_closed_total Connections to this endpoint closed before they were answered, by reason.\n");
        text.Append("# TYPE logsidecar_http_connections_closed_total counter\n");
        foreach (var reason in Enum.GetValues<HttpCloseReason>())
        {
            var label = reason == HttpCloseReason.OverLimit ? "over_limit" : "timeout";
            text.Append(CultureInfo.InvariantCulture, $"logsidecar_http_connections_closed_total{{reason=\"{label}\"}} {Interlocked.Read(ref _httpClosed[(int)reason])}\n");
        }

        text.Append("# HELP logsidecar_regex_timeouts_total Matches of a backtracking format or multiline regex that ran out of time, by stream and regex.\n");
        text.Append("# TYPE logsidecar_regex_timeouts_total counter\n");
        foreach (var ((stream, regex), count) in _regexTimeouts)
        {
            text.Append(CultureInfo.InvariantCulture, $"logsidecar_regex_timeouts_total{{stream=\"{PrometheusText.Label(stream)}\",regex=\"{regex}\"}} {count}\n");
        }

        PerStream(text, "logsidecar_parse_errors_total", "counter", "Records that did not parse in their stream's format and passed through as plain text.", streams.Select(pair => (pair.Key, pair.Value.ParseErrors)));

        // Summed per stream: a series per file path would grow with every rotated or date-named file.
        var lag = streams.ToDictionary(pair => pair.Key, _ => 0L, StringComparer.Ordinal);
        foreach (var file in _files.Keys)
        {
            lag[file.Stream] = lag.GetValueOrDefault(file.Stream) + file.LagBytes;
        }

        PerStream(text, "logsidecar_stream_lag_bytes", "gauge", "Bytes in the stream's open files not yet delivered to every output.", lag.OrderBy(pair => pair.Key, StringComparer.Ordinal).Select(pair => (pair.Key, pair.Value)));
        foreach (var (name, help, value) in _gauges)
        {
            text.Append(CultureInfo.InvariantCulture, $"# HELP {name} {help}\n# TYPE {name} gauge\n{name} {value()}\n");
        }

        SinkMetrics.Render(text, _sinks);
        foreach (var render in _sections)
        {
            render(text);
        }

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

    private StreamCounters Stream(string name) => _streams.GetOrAdd(name, static _ => new StreamCounters());

    internal static void Counter(StringBuilder text, string name, string help, long value) =>
        text.Append(CultureInfo.InvariantCulture, $"# HELP {name} {help}\n# TYPE {name} counter\n{name} {value}\n");

    private static void PerStream(StringBuilder text, string name, string type, string help, IEnumerable<(string Stream, long Value)> values)
    {
        text.Append(CultureInfo.InvariantCulture, $"# HELP {name} {help}\n# TYPE {name} {type}\n");
        foreach (var (stream, value) in values)
        {
            text.Append(CultureInfo.InvariantCulture, $"{name}{{stream=\"{PrometheusText.Label(stream)}\"}} {value}\n");
        }
    }
}
