namespace LogSidecar.Tailing;

/// <summary>How a walk ended, and for <see cref="WalkOutcome.DirectoryIsLink"/> where the directory really is.</summary>
internal readonly record struct WalkResult(WalkOutcome Outcome, string? Detail = null)
{
    /// <summary>False when files may exist that the walk did not see: open files must not be taken as gone.</summary>
    public bool SawEverything => Outcome is not (WalkOutcome.EntryLimit or WalkOutcome.Cancelled);
}
