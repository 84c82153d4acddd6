using LogSidecar.Diagnostics;

namespace LogSidecar.Tailing;

/// <summary>What a <see cref="GlobWalk"/> found: candidate files, paths it would not enter, directories it could not list.</summary>
internal interface IWalkVisitor
{
    /// <summary>A non-directory whose path matches the glob; whether it may be read is decided by the caller.</summary>
    void File(string path);

    /// <summary>A directory (or link to one) that was not entered, and why.</summary>
    void Skipped(string path, SkipReason reason, string detail);

    /// <summary>A directory that could not be listed.</summary>
    void Unlistable(string path, string reason);
}
