using Microsoft.Extensions.Logging;

namespace LogSidecar.Checkpoints;

/// <summary>Persists the registry's positions periodically and once more at shutdown, only when they changed.</summary>
internal sealed partial class Checkpointer(CheckpointRegistry registry, CheckpointStore store, TimeSpan interval, TimeProvider time, ILogger<Checkpointer> log)
{
    private List<FileCheckpoint> _saved = [];

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
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Not fatal: records keep flowing; a restart would re-send more than the unacknowledged tail.
            Log.SaveFailed(log, store.Directory, e.Message);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 30, Level = LogLevel.Error, Message = "Cannot save checkpoints in {Directory}: {Reason}; a restart now would re-send records. Check that the directory is writable and has space")]
        public static partial void SaveFailed(ILogger logger, string directory, string reason);
    }
}
