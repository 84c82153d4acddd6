using LogSidecar.Contracts.Configuration;

namespace LogSidecar.Tailing;

/// <summary>A configured stream, its globs compiled once.</summary>
internal sealed class WatchedStream
{
    private readonly List<PathGlob> _excludePaths = [];
    private readonly List<string> _excludeNames = [];

    public WatchedStream(StreamConfig config)
    {
        Name = config.Name;
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

    public IReadOnlyList<PathGlob> Globs { get; }

    public bool StartAtTail { get; }

    /// <summary>Excludes without a '/' match the file name, others the whole path.</summary>
    public bool IsExcluded(string path)
    {
        var name = Path.GetFileName(path);
        return _excludeNames.Exists(pattern => PathGlob.MatchesName(pattern, name))
            || _excludePaths.Exists(glob => glob.Matches(path));
    }
}
