using LogSidecar.Diagnostics;
using LogSidecar.Pipeline;
using Microsoft.Extensions.Logging;

namespace LogSidecar.Checkpoints;

/// <summary>
/// Persists the registry's positions periodically and once more at shutdown, only when they changed.
/// A save that fails is tried again at the next tick and counted each time, but reported only when
/// saving starts failing and when it works again, not every tick.
/// </summary>
internal sealed partial class Checkpointer(CheckpointRegistry registry, CheckpointStore store, TimeSpan interval, SidecarMetrics metrics, TimeProvider time, ILogger<Checkpointer> log)
{
    private List<FileCheckpoint> _saved = [];
    private bool _failing;

    public async Task RunAsync(CancellationToken stop)
    {
        using var timer = new PeriodicTimer(interval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stop))
            {
                SaveIfChanged();
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Shutdown: the supervisor saves once more after the output has drained.
        }
    }

    public void SaveIfChanged()
    {
        var snapshot = registry.Snapshot();
        if (snapshot.SequenceEqual(_saved))
        {
            return;
        }

        try
        {
            store.Save(snapshot);
            _saved = snapshot;
            if (_failing)
            {
                _failing = false;
                metrics.CheckpointSaving(failing: false);
                Log.SaveRecovered(log, store.Directory);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Not fatal: records keep flowing; a restart would re-send more than the unacknowledged tail.
            metrics.CheckpointSaveFailed();
            if (!_failing)
            {
                _failing = true;
                metrics.CheckpointSaving(failing: true);
                Log.SaveFailed(log, store.Directory, e.Message);
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 30, Level = LogLevel.Error, Message = "Cannot save checkpoints in {Directory}: {Reason}; a restart now would re-send records. Check that the directory is writable and has space. Retrying every interval; reported again only once it works (logsidecar_checkpoint_save_failures_total counts the attempts)")]
        public static partial void SaveFailed(ILogger logger, string directory, string reason);

        [LoggerMessage(EventId = 31, Level = LogLevel.Information, Message = "Checkpoints are saved in {Directory} again")]
        public static partial void SaveRecovered(ILogger logger, string directory);
    }
}
