using LogSidecar.Pipeline;

namespace LogSidecar.Checkpoints;

/// <summary>The on-disk form of the checkpoint directory's <c>checkpoints.json</c>.</summary>
internal sealed record CheckpointFile(int Version, List<FileCheckpoint> Files)
{
    public const int CurrentVersion = 1;

    // The fingerprint window the configuration allows (tailing.fingerprintBytes); a saved length past it was not written by us.
    private const int LongestFingerprint = 64 * 1024;

    /// <summary>
    /// What makes the file unusable, or null when every entry can be trusted. The file is in the
    /// app's volume, so anything JSON can say must be checked before it reaches a seek or a buffer size.
    /// </summary>
    public string? Problem()
    {
        if (Version != CurrentVersion)
        {
            return $"version {Version} is not the version this sidecar reads ({CurrentVersion})";
        }

        if (Files is null)
        {
            return "\"files\" is missing or null";
        }

        for (var i = 0; i < Files.Count; i++)
        {
            var problem = Files[i] switch
            {
                null => "is null",
                { Offset: < 0 } entry => $"has a negative offset ({entry.Offset})",
                { FingerprintLength: < 0 or > LongestFingerprint } entry => $"has a fingerprint length of {entry.FingerprintLength} (0 to {LongestFingerprint})",
                { Path: null or "" } => "has no path",
                _ => null,
            };
            if (problem is not null)
            {
                return $"files[{i}] {problem}";
            }
        }

        return null;
    }
}
