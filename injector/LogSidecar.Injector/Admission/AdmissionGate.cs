using LogSidecar.Injector.Diagnostics;

namespace LogSidecar.Injector.Admission;

/// <summary>
/// Bounds the admission requests answered at once, so memory stays bounded whatever arrives: a review
/// holds several times its body while it is read and parsed. Requests beyond the bound wait (headers
/// read, body not yet) in a bounded queue for a limited time, then get 503.
/// </summary>
internal sealed class AdmissionGate : IDisposable
{
    /// <summary>
    /// Longest wait for a slot: a little under the webhook's timeoutSeconds (5 in the manifests), after which the
    /// API server gives up anyway; a client that leaves sooner (a shorter timeout) ends its wait at once.
    /// </summary>
    public static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(4);

    private readonly SemaphoreSlim _slots;
    private readonly int _maxQueued;
    private readonly TimeProvider _time;

    // Counters for the bound and the gauges; each changes with Interlocked, the semaphore does the waiting.
    private int _queued;
    private int _inFlight;

    public AdmissionGate(int maxConcurrent, int maxQueued, TimeProvider time, InjectorMetrics metrics)
    {
        _slots = new SemaphoreSlim(maxConcurrent, maxConcurrent);
        _maxQueued = maxQueued;
        _time = time;
        metrics.AddGauge("logsidecar_injector_reviews_in_flight", "Admission requests being answered.", () => Volatile.Read(ref _inFlight));
        metrics.AddGauge("logsidecar_injector_reviews_queued", "Admission requests waiting for a turn.", () => Volatile.Read(ref _queued));
    }

    /// <summary>Waits for a slot; when the answer is <see cref="GateEntry.Entered"/>, call <see cref="Exit"/> once done.</summary>
    public async ValueTask<GateEntry> EnterAsync(CancellationToken aborted)
    {
        if (_slots.Wait(0, CancellationToken.None))
        {
            Interlocked.Increment(ref _inFlight);
            return GateEntry.Entered;
        }

        if (Interlocked.Increment(ref _queued) > _maxQueued)
        {
            Interlocked.Decrement(ref _queued);
            return GateEntry.QueueFull;
        }

        try
        {
            using var timeout = new CancellationTokenSource(MaxWait, _time);
            using var either = CancellationTokenSource.CreateLinkedTokenSource(aborted, timeout.Token);
            await _slots.WaitAsync(either.Token);
            Interlocked.Increment(ref _inFlight);
            return GateEntry.Entered;
        }
        catch (OperationCanceledException)
        {
            return aborted.IsCancellationRequested ? GateEntry.Aborted : GateEntry.TimedOut;
        }
        finally
        {
            Interlocked.Decrement(ref _queued);
        }
    }

    public void Exit()
    {
        Interlocked.Decrement(ref _inFlight);
        _slots.Release();
    }

    public void Dispose() => _slots.Dispose();
}
