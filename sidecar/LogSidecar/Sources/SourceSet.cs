using System.Threading.Channels;
using LogSidecar.Contracts.Configuration;
using LogSidecar.Diagnostics;
using LogSidecar.Pipeline;
using LogSidecar.Sources.Audit;
using LogSidecar.Sources.Events;
using Microsoft.Extensions.Logging;

namespace LogSidecar.Sources;

/// <summary>The configured sources, started together and stopped together.</summary>
internal sealed class SourceSet : IDisposable
{
    private readonly List<ISource> _sources = [];

    private SourceSet()
    {
    }

    /// <summary>Starts every configured source (binding ports, opening spools); null with the first problem when one cannot start.</summary>
    public static SourceSet? TryStart(
        SidecarConfig config, string checkpointDirectory, ChannelWriter<LineBatch> output, SidecarMetrics metrics, TimeProvider time, ILoggerFactory loggers, out string? error)
    {
        var set = new SourceSet();
        error = null;
        if (config.Sources?.Audit is { } audit)
        {
#pragma warning disable CA2000 // The set owns the source from here and disposes it with the run.
            var source = AuditSource.TryStart(audit, checkpointDirectory, TimeSpan.FromMilliseconds(config.CheckpointIntervalMs), metrics, time, loggers, out error);
#pragma warning restore CA2000
            if (source is null)
            {
                set.Dispose();
                return null;
            }

            set._sources.Add(source);
        }

        if (config.Sources?.Events is { } events)
        {
#pragma warning disable CA2000 // The set owns the source from here and disposes it with the run.
            var source = EventsSource.TryCreate(events, output, TimeSpan.FromSeconds(config.ShutdownBudgetSeconds), metrics, time, loggers, out error);
#pragma warning restore CA2000
            if (source is null)
            {
                set.Dispose();
                return null;
            }

            set._sources.Add(source);
        }

        return set;
    }

    public Task RunAsync(CancellationToken stop) => Task.WhenAll(_sources.Select(source => source.RunAsync(stop)));

    public void Dispose()
    {
        foreach (var source in _sources)
        {
            source.Dispose();
        }
    }
}
