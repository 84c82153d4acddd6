using LogSidecar.Injector.Admission;
using LogSidecar.Injector.Diagnostics;
using Microsoft.Extensions.Time.Testing;

namespace LogSidecar.Injector.Tests.Admission;

public sealed class AdmissionGateTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ARequestBeyondTheSlotsWaitsForOneAndGetsItWhenAnotherIsDone()
    {
        using var gate = new AdmissionGate(1, 1, new FakeTimeProvider(), new InjectorMetrics());
        Assert.Equal(GateEntry.Entered, await gate.EnterAsync(Token));

        var waiting = gate.EnterAsync(Token).AsTask();
        Assert.False(waiting.IsCompleted);
        gate.Exit();

        Assert.Equal(GateEntry.Entered, await waiting);
    }

    [Fact]
    public async Task WhenTheQueueIsFullTheAnswerComesAtOnce()
    {
        using var gate = new AdmissionGate(1, 0, new FakeTimeProvider(), new InjectorMetrics());
        Assert.Equal(GateEntry.Entered, await gate.EnterAsync(Token));

        Assert.Equal(GateEntry.QueueFull, await gate.EnterAsync(Token));
    }

    [Fact]
    public async Task AQueuedRequestGivesUpAfterTheLongestWaitAndLeavesTheQueue()
    {
        var time = new FakeTimeProvider();
        var metrics = new InjectorMetrics();
        using var gate = new AdmissionGate(1, 1, time, metrics);
        Assert.Equal(GateEntry.Entered, await gate.EnterAsync(Token));
        var waiting = gate.EnterAsync(Token).AsTask();
        Assert.Contains("logsidecar_injector_reviews_queued 1", metrics.Render(), StringComparison.Ordinal);

        time.Advance(AdmissionGate.MaxWait);

        Assert.Equal(GateEntry.TimedOut, await waiting);
        Assert.Contains("logsidecar_injector_reviews_queued 0", metrics.Render(), StringComparison.Ordinal);
        Assert.Contains("logsidecar_injector_reviews_in_flight 1", metrics.Render(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AClientThatGoesAwayWhileQueuedIsToldApart()
    {
        using var gate = new AdmissionGate(1, 1, new FakeTimeProvider(), new InjectorMetrics());
        Assert.Equal(GateEntry.Entered, await gate.EnterAsync(Token));
        using var gone = new CancellationTokenSource();
        var waiting = gate.EnterAsync(gone.Token).AsTask();

        await gone.CancelAsync();

        Assert.Equal(GateEntry.Aborted, await waiting);
    }
}
