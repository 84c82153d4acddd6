namespace LogSidecar.Sources;

/// <summary>
/// A producer of cluster logs besides tailed files. Started before the pipeline tails anything, it
/// runs until the sidecar stops; what it takes in is delivered through the stream its configuration
/// adds (the audit webhook writes its stream's spool files), so the delivery core is shared.
/// </summary>
internal interface ISource : IDisposable
{
    /// <summary>Runs until <paramref name="stop"/>, then finishes what it accepted.</summary>
    Task RunAsync(CancellationToken stop);
}
