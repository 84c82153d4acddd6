using LogSidecar.Contracts.Configuration;

namespace LogSidecar.Tailing;

/// <summary>Resolved reading settings (see <see cref="TailingConfig"/> for the documented defaults).</summary>
internal sealed record TailingOptions(
    int ReadBufferBytes,
    int MaxLineBytes,
    TimeSpan PollInterval,
    TimeSpan PartialLineTimeout,
    TimeSpan RotateWait,
    int FingerprintBytes)
{
    /// <summary>Idle time after which an open multiline record is emitted; set per stream.</summary>
    public TimeSpan MultilineTimeout { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Bounds on each listing of a glob's directory tree.</summary>
    public ScanLimits Scan { get; init; } = ScanLimits.Default;

    /// <summary>Descriptors of tailed files held at once; files beyond wait their turn.</summary>
    public int MaxOpenFiles { get; init; } = new TailingConfig().MaxOpenFiles;

    /// <summary>While files wait for a descriptor, how long an open file keeps its descriptor before it gives it up at its next end.</summary>
    public TimeSpan FileTurn { get; init; } = TimeSpan.FromMilliseconds(new TailingConfig().FileTurnMs);

    public static TailingOptions From(TailingConfig config) => new(
        config.ReadBufferBytes,
        config.MaxLineBytes,
        TimeSpan.FromMilliseconds(config.PollIntervalMs),
        TimeSpan.FromMilliseconds(config.PartialLineTimeoutMs),
        TimeSpan.FromMilliseconds(config.RotateWaitMs),
        config.FingerprintBytes)
    {
        Scan = ScanLimits.From(config),
        MaxOpenFiles = config.MaxOpenFiles,
        FileTurn = TimeSpan.FromMilliseconds(config.FileTurnMs),
    };
}
