using System.Collections.Concurrent;
using LogSidecar.Sources.Events;

namespace LogSidecar.Tests.Sources;

/// <summary>An <see cref="IOccurrenceTarget"/> that keeps what a watch hands it, for tests that drive a watch directly.</summary>
internal sealed class RecordingTarget : IOccurrenceTarget
{
    private readonly ConcurrentQueue<EventOccurrence> _shipped = new();
    private volatile string? _progress;

    public IReadOnlyList<EventOccurrence> Shipped => [.. _shipped];

    public string? LastProgress => _progress;

    public ValueTask ShipAsync(EventOccurrence occurrence, CancellationToken cancellationToken)
    {
        _shipped.Enqueue(occurrence);
        return ValueTask.CompletedTask;
    }

    public void Progress(string resourceVersion) => _progress = resourceVersion;

    /// <summary>The shipped occurrences as uid-count ids.</summary>
    public IReadOnlyList<string> Ids => [.. _shipped.Select(o => o.RecordId)];

    public async Task WaitForAsync(Func<RecordingTarget, bool> condition, string what)
    {
        using var limit = new CancellationTokenSource(ChildProcess.DefaultTimeout);
        while (!condition(this))
        {
            try
            {
                await Task.Delay(20, limit.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"the watch did not hand over {what}; it shipped {string.Join(", ", Ids)}");
            }
        }
    }
}
