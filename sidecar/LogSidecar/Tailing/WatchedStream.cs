using LogSidecar.Contracts.Configuration;
using LogSidecar.Multiline;
using LogSidecar.Text;

namespace LogSidecar.Tailing;

/// <summary>A configured stream, its globs compiled once.</summary>
internal sealed class WatchedStream
{
    private readonly List<PathGlob> _excludePaths = [];
    private readonly List<string> _excludeNames = [];
    private readonly Func<ILineJoinRule>? _rule;
    private readonly MultilineConfig? _multiline;

    /// <param name="config">The stream's configuration.</param>
    /// <param name="multilineRegex">Whom a multiline regex reports to.</param>
    public WatchedStream(StreamConfig config, RegexUse multilineRegex)
    {
        Name = config.Name;
        Config = config;
        _multiline = config.Multiline;
        _rule = LineJoinRules.Factory(config.Multiline, multilineRegex);
        Globs = [.. config.Paths.Select(path => new PathGlob(path))];
        StartAtTail = config.StartAt == StartPositions.Tail;
        foreach (var exclude in config.Exclude)
        {
            if (exclude.Contains('/', StringComparison.Ordinal))
            {
                _excludePaths.Add(new PathGlob(exclude));
            }
            else
            {
                _excludeNames.Add(exclude);
            }
        }
    }

    public string Name { get; }

    public StreamConfig Config { get; }

    public IReadOnlyList<PathGlob> Globs { get; }

    public bool StartAtTail { get; }

    /// <summary>Reading settings for this stream's files: the global ones with its multiline timeout.</summary>
    public TailingOptions Options(TailingOptions global) =>
        _multiline is null ? global : global with { MultilineTimeout = TimeSpan.FromMilliseconds(_multiline.TimeoutMs) };

    /// <summary>A framer for one file of this stream, with its own multiline rule state.</summary>
    public RecordFramer CreateFramer(int maxLineBytes, long offset) => _multiline is null
        ? new RecordFramer(maxLineBytes, offset)
        : new RecordFramer(maxLineBytes, offset, _rule!(), _multiline.MaxLines, _multiline.MaxBytes);

    /// <summary>True when one of the stream's globs matches <paramref name="path"/> and no exclude does.</summary>
    public bool Covers(string path) => Globs.Any(glob => glob.Matches(path)) && !IsExcluded(path);

    /// <summary>Excludes without a '/' match the file name, others the whole path.</summary>
    public bool IsExcluded(string path)
    {
        var name = Path.GetFileName(path);
        return _excludeNames.Exists(pattern => PathGlob.MatchesName(pattern, name))
            || _excludePaths.Exists(glob => glob.Matches(path));
    }
}
