using LogSidecar.Delivery;
using LogSidecar.Parsing;

namespace LogSidecar.Tests.Delivery;

/// <summary>A sink whose flushes the test lets through one at a time, so it can look at the pipeline while a flush is under way.</summary>
internal sealed class GatedSink(string name, TimeSpan flushInterval) : ISink
{
    private readonly SemaphoreSlim _started = new(0);
    private readonly SemaphoreSlim _release = new(0);
    private int _pending;

    public string Name => name;

    public TimeSpan FlushInterval => flushInterval;

    public bool HasPending => _pending > 0;

    public int Appended { get; private set; }

    public int Flushes { get; private set; }

    public bool Fits(PreparedRecord record) => true;

    public void Append(PreparedRecord record)
    {
        _pending++;
        Appended++;
    }

    public Task FlushAsync(CancellationToken abort)
    {
        // Like the real sinks: what is pending is taken at once, delivered when the test lets it.
        Flushes++;
        _pending = 0;
        _started.Release();
        return _release.WaitAsync(abort);
    }

    /// <summary>Waits until the loop is inside a flush of this sink.</summary>
    public Task FlushStartedAsync() => _started.WaitAsync(ChildProcess.DefaultTimeout);

    public void ReleaseFlush() => _release.Release();
}
