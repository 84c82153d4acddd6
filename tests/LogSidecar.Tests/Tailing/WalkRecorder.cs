using LogSidecar.Diagnostics;
using LogSidecar.Tailing;

namespace LogSidecar.Tests.Tailing;

/// <summary>Records what a <see cref="GlobWalk"/> reports, and walks with it.</summary>
internal sealed class WalkRecorder : IWalkVisitor
{
    public List<string> Files { get; } = [];

    public List<(string Path, SkipReason Reason, string Detail)> Skipped { get; } = [];

    public List<string> Unlistable { get; } = [];

    /// <summary>Walks <paramref name="pattern"/>; <paramref name="cancel"/> stands for the sidecar's shutdown.</summary>
    public static (WalkResult Result, WalkRecorder Found) Walk(string pattern, ScanLimits? limits = null, bool cancel = false)
    {
        var recorder = new WalkRecorder();
        var token = cancel ? new CancellationToken(canceled: true) : TestContext.Current.CancellationToken;
        var result = new GlobWalk(new PathGlob(pattern), limits ?? ScanLimits.Default, recorder, token).Run();
        return (result, recorder);
    }

    void IWalkVisitor.File(string path) => Files.Add(path);

    void IWalkVisitor.Skipped(string path, SkipReason reason, string detail) => Skipped.Add((path, reason, detail));

    void IWalkVisitor.Unlistable(string path, string reason) => Unlistable.Add(path);
}
