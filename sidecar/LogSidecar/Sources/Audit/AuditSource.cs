using System.Net;
using LogSidecar.Checkpoints;
using LogSidecar.Contracts.Configuration;
using LogSidecar.Diagnostics;
using Microsoft.Extensions.Logging;

namespace LogSidecar.Sources.Audit;

/// <summary>
/// The audit webhook source: its credentials (reloaded), its spool, its HTTPS endpoint, and the
/// removal of spool files the saved checkpoint shows delivered. Its events reach the sinks through the
/// stream <see cref="AuditSourceConfig.ToStream"/> describes.
/// </summary>
internal sealed partial class AuditSource : ISource
{
    private readonly CredentialWatch _credentials;
    private readonly AuditSpool _spool;
    private readonly AuditServer _server;
    private readonly CheckpointStore _checkpoints;
    private readonly TimeSpan _removeInterval;
    private readonly TimeProvider _time;
    private readonly ILogger _log;

    private AuditSource(CredentialWatch credentials, AuditSpool spool, AuditServer server, CheckpointStore checkpoints, TimeSpan removeInterval, TimeProvider time, ILogger log)
    {
        _credentials = credentials;
        _spool = spool;
        _server = server;
        _checkpoints = checkpoints;
        _removeInterval = removeInterval;
        _time = time;
        _log = log;
    }

    /// <summary>Reads the credentials, opens the spool and binds the endpoint; null with a message naming the flag when one cannot be done.</summary>
    public static AuditSource? TryStart(AuditSourceConfig config, string checkpointDirectory, TimeSpan checkpointInterval, SidecarMetrics metrics, TimeProvider time, ILoggerFactory loggers, out string? error)
    {
        var log = loggers.CreateLogger<AuditSource>();
        var counters = new AuditMetrics();
        var credentials = CredentialWatch.TryLoad(config, counters, time, log, out error);
        if (credentials is null)
        {
            return null;
        }

        AuditSpool? spool = null;
        AuditServer? server = null;
        try
        {
            spool = AuditSpool.TryOpen(config.SpoolDir!, config.SpoolMaxBytes, config.SpoolFileBytes, counters, log, out error);
            if (spool is null)
            {
                return null;
            }

            server = AuditServer.TryStart(IPEndPoint.Parse(config.Listen), credentials, spool, counters, config.MaxRequestBytes, config.RetryAfterSeconds, time, log, out error);
            if (server is null)
            {
                return null;
            }

            var opened = spool;
            metrics.AddSection(text => counters.Render(text, opened.Bytes, opened.Files));
            Log.Listening(log, server.Endpoint, config.SpoolDir!, config.Stream);
            var source = new AuditSource(credentials, spool, server, new CheckpointStore(checkpointDirectory), checkpointInterval, time, log);
            (spool, server) = (null, null);
            return source;
        }
        finally
        {
            spool?.Dispose();
            server?.Dispose();
        }
    }

    public async Task RunAsync(CancellationToken stop)
    {
        var writer = Task.Run(_spool.RunAsync, CancellationToken.None);
        var reload = _credentials.RunAsync(stop);
        var remove = RemoveDeliveredAsync(stop);

        // Requests being answered still get their batch written: the writer stops only after the endpoint.
        await _server.RunAsync(stop);
        _spool.Complete();
        await writer;
        await reload;
        await remove;
    }

    public void Dispose()
    {
        _server.Dispose();
        _spool.Dispose();
    }

    private async Task RemoveDeliveredAsync(CancellationToken stop)
    {
        using var timer = new PeriodicTimer(_removeInterval, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(stop))
            {
                // What is saved, not what is acknowledged in memory: a file is removed only once a restart would not read it again.
                if (_checkpoints.Load().Checkpoints is { } saved)
                {
                    _spool.RemoveDelivered(saved);
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Stopping: what is delivered now is removed at the next start.
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 104, Level = LogLevel.Information, Message = "Audit webhook listening on https://{Endpoint}, spooling to {Directory}, delivered as stream {Stream}")]
        public static partial void Listening(ILogger logger, IPEndPoint endpoint, string directory, string stream);
    }
}
