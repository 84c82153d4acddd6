using System.Globalization;
using System.Net;
using System.Threading.Channels;
using LogSidecar.Checkpoints;
using LogSidecar.Contracts.Configuration;
using LogSidecar.Delivery;
using LogSidecar.Diagnostics;
using LogSidecar.Multiline;
using LogSidecar.Parsing;
using LogSidecar.Pipeline;
using LogSidecar.Sinks;
using LogSidecar.Sinks.Batching;
using LogSidecar.Sinks.Formatting;
using LogSidecar.Sinks.Stdout;
using LogSidecar.Sources;
using LogSidecar.Tailing;
using Microsoft.Extensions.Logging;

namespace LogSidecar.Hosting;

/// <summary>
/// Runs the pipeline (watcher and tailers -> bounded channel -> stdout and backends -> acknowledgements ->
/// checkpoints) and its orderly shutdown: stop discovery, read every file to its end, flush,
/// persist, within the configured budget.
/// </summary>
internal sealed partial class SidecarHost(SidecarConfig config, Stream stdout, TextWriter stderr, ILoggerFactory loggers, TimeProvider time)
{
    // Batches waiting for the output. Memory for file data is bounded by the shared read budget
    // (tailing.maxBufferedBytes), whatever the number of files; this only bounds the queue's length.
    private const int ChannelCapacity = 16;
    private const int OutputBufferBytes = 1024 * 1024;

    private readonly ILogger _log = loggers.CreateLogger<SidecarHost>();

    public SidecarMetrics Metrics { get; } = new(config.Streams.Select(stream => stream.Name), time);

    /// <summary>Runs until <paramref name="shutdown"/> fires (or, with <paramref name="once"/>, until every file is read). Returns the exit code.</summary>
    public async Task<int> RunAsync(bool once, CancellationToken shutdown)
    {
        var store = new CheckpointStore(config.CheckpointDir!);
        if (!store.TryPrepare(out var storeError))
        {
            Log.Fatal(_log, storeError!);
            return 2;
        }

        var channel = Channel.CreateBounded<LineBatch>(new BoundedChannelOptions(ChannelCapacity)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = true,
        });

        // Sources first: the audit spool cuts a torn line before anything tails it, and a port taken is known before anything is read.
        using var sources = SourceSet.TryStart(config, store.Directory, channel.Writer, Metrics, time, loggers, out var sourceError);
        if (sources is null)
        {
            Log.Fatal(_log, sourceError!);
            return 2;
        }

        var registry = new CheckpointRegistry(time);
        var saved = LoadCheckpoints(store);
        registry.Load(saved ?? []);

        var regexes = new RegexTimeouts(Metrics, loggers.CreateLogger<RegexTimeouts>());
        var streams = config.Streams.Select(s => new WatchedStream(s, regexes.For(s.Name, RegexTimeouts.Multiline, RegexLineRule.MatchTimeout))).ToList();
        var buffers = new ReadBufferPool(config.Tailing.MaxBufferedBytes, config.Tailing.ReadBufferBytes);
        var watcher = new FileWatcher(
            streams, store.Directory, registry, firstStart: saved is null, TailingOptions.From(config.Tailing),
            buffers, channel.Writer, Metrics, time, loggers);
        Metrics.AddGauge("logsidecar_open_files", "Descriptors of tailed files held (at most tailing.maxOpenFiles).", () => watcher.OpenFiles);
        Metrics.AddGauge("logsidecar_waiting_files", "Files waiting for a descriptor because tailing.maxOpenFiles are open.", () => watcher.WaitingFiles);
        Metrics.AddGauge("logsidecar_buffered_bytes", "Bytes read from files and not yet handed to the output (at most tailing.maxBufferedBytes).", () => buffers.LentBytes);
        using var sinks = new SinkSet();
        if (!BuildSinks(sinks, out var sinkError))
        {
            Log.Fatal(_log, sinkError!);
            return 2;
        }

        var output = new DeliveryLoop(channel.Reader, sinks.Routes, new RecordPreparer(Parsers(regexes), Metrics), time);
        var checkpointer = new Checkpointer(registry, store, TimeSpan.FromMilliseconds(config.CheckpointIntervalMs), Metrics, time, loggers.CreateLogger<Checkpointer>());

        string? healthError = null;
        using var health = config.Metrics.Port == 0 ? null : HealthServer.TryStart(
            new IPEndPoint(IPAddress.Parse(config.Metrics.Address), config.Metrics.Port),
            Metrics,
            () => watcher.Started,
            time,
            loggers.CreateLogger<HealthServer>(),
            out healthError);
        if (healthError is not null)
        {
            Log.Fatal(_log, healthError);
            return 2;
        }

        // abort: the budget is spent, stop waiting. It starts counting when shutdown begins.
        // drain: stop discovery and read every file to its end (shutdown, or the output failed).
        using var abort = new CancellationTokenSource();
        using var drain = CancellationTokenSource.CreateLinkedTokenSource(shutdown);
        using var stopBackground = new CancellationTokenSource();
        using var budget = shutdown.Register(() => abort.CancelAfter(TimeSpan.FromSeconds(config.ShutdownBudgetSeconds)));

        var outputTask = output.RunAsync(abort.Token);
        var checkpointTask = checkpointer.RunAsync(stopBackground.Token);
        var healthTask = health?.RunAsync(stopBackground.Token) ?? Task.CompletedTask;
        var sourcesTask = sources.RunAsync(drain.Token);
        Log.Started(_log, streams.Count, store.Directory);

        var exitCode = 0;
        var watcherTask = watcher.RunAsync(once, drain.Token, abort.Token);
        try
        {
            // The output may fail first (stdout closed): then it will take nothing more, and the readers must not wait for it.
            if (await Task.WhenAny(watcherTask, outputTask) == watcherTask)
            {
                await watcherTask;
                channel.Writer.Complete();
            }

            // Only until the budget is spent: a write to stdout that blocks (its reader stopped reading) cannot be cancelled.
            await outputTask.WaitAsync(abort.Token);
        }
        catch (OperationCanceledException) when (abort.IsCancellationRequested && !outputTask.IsFaulted)
        {
            Log.BudgetExceeded(_log, config.ShutdownBudgetSeconds);
            exitCode = 1;
        }
        catch (Exception e) when (outputTask.IsFaulted)
        {
            // Stdout closed (or a sink failed): nothing unwritten was acknowledged. Stop reading at once, the next start reads it again.
            Log.OutputFailed(_log, e.Message);
            exitCode = 1;
            await drain.CancelAsync();
            await abort.CancelAsync();
            await watcherTask;
        }
        finally
        {
            await stopBackground.CancelAsync();
            await sourcesTask;
            await checkpointTask;
            await healthTask;
            checkpointer.SaveIfChanged();
        }

        Log.Stopped(_log, Metrics.RecordsRead, Metrics.RecordsWritten);
        return exitCode;
    }

    /// <summary>Stdout for streams that write there, one shipping sink per configured backend in use, and which stream goes where.</summary>
    private bool BuildSinks(SinkSet set, out string? error)
    {
        error = null;
        var pod = PodMetadata.FromEnvironment(config.Streams);
        var outputOptions = OutputOptions.From(config.Output);
        IRecordFormatter formatter = outputOptions.Json
            ? new JsonRecordFormatter(outputOptions, pod, Metrics)
            : new RawRecordFormatter(outputOptions, Metrics);
        var stdoutSink = new StdoutSink(formatter, stdout, OutputBufferBytes, Metrics);
        var factory = new SinkFactory(pod, Metrics, new DeadLetterWriter(stderr, time), time, loggers);
        foreach (var stream in config.Streams)
        {
            var route = new List<ISink>();
            var mode = DeliveryRoutes.ModeOf(config, stream);
            if (DeliveryModes.WritesStdout(mode))
            {
                route.Add(stdoutSink);
            }

            if (DeliveryModes.Ships(mode))
            {
                var sinkConfig = DeliveryRoutes.SinkOf(config, stream)!;
                var name = DeliveryRoutes.NameOf(sinkConfig);
                if (!set.Shipping.TryGetValue(name, out var sink))
                {
#pragma warning disable CA2000 // The set owns the sink from here and disposes it with the run.
                    sink = factory.Create(sinkConfig, out error);
#pragma warning restore CA2000
                    if (sink is null)
                    {
                        return false;
                    }

                    set.Shipping[name] = sink;
                }

                route.Add(sink);
            }

            set.Routes[stream.Name] = [.. route];
        }

        return true;
    }

    /// <summary>
    /// Each stream's parser, run once per record before it fans out; none where no output reads
    /// fields (raw stdout only), so such a stream pays for no parsing and counts no parse errors.
    /// </summary>
    private Dictionary<string, IRecordParser?> Parsers(RegexTimeouts regexes)
    {
        var json = OutputOptions.From(config.Output).Json;
        return config.Streams.ToDictionary(
            stream => stream.Name,
            stream =>
            {
                var mode = DeliveryRoutes.ModeOf(config, stream);
                var readsFields = DeliveryModes.Ships(mode) || (json && DeliveryModes.WritesStdout(mode));
                return readsFields ? RecordParsers.Create(stream, regexes.For(stream.Name, RegexTimeouts.Format, RegexParser.MatchTimeout)) : null;
            },
            StringComparer.Ordinal);
    }

    /// <summary>The saved positions, null on the very first start; an unusable file is set aside and files are read from their start.</summary>
    private IReadOnlyList<FileCheckpoint>? LoadCheckpoints(CheckpointStore store)
    {
        var load = store.Load();
        if (load.Problem is not { } problem)
        {
            return load.Checkpoints;
        }

        // Never crash and never skip data: keep the file for a person to look at and start over.
        Metrics.CheckpointsSetAside();
        try
        {
            var aside = store.SetAside(time.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture));
            Log.CheckpointsDamaged(_log, aside, problem);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The next save replaces it.
            Log.CheckpointsDamagedNotMoved(_log, problem, e.Message);
        }

        return [];
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 50, Level = LogLevel.Information, Message = "Started: {Streams} stream(s), checkpoints in {Directory}")]
        public static partial void Started(ILogger logger, int streams, string directory);

        [LoggerMessage(EventId = 51, Level = LogLevel.Information, Message = "Stopped: {Read} record(s) read, {Written} written")]
        public static partial void Stopped(ILogger logger, long read, long written);

        [LoggerMessage(EventId = 52, Level = LogLevel.Error, Message = "Shutdown budget of {Seconds} s spent before every file was drained; unwritten records will be read again at the next start. Raise shutdownBudgetSeconds (and the pod's terminationGracePeriodSeconds) if this repeats")]
        public static partial void BudgetExceeded(ILogger logger, int seconds);

        [LoggerMessage(EventId = 53, Level = LogLevel.Error, Message = "Delivering records failed: {Reason}; stopping. Unwritten records were not acknowledged and will be read again at the next start")]
        public static partial void OutputFailed(ILogger logger, string reason);

        [LoggerMessage(EventId = 54, Level = LogLevel.Error, Message = "{Message}")]
        public static partial void Fatal(ILogger logger, string message);

        [LoggerMessage(EventId = 55, Level = LogLevel.Error, Message = "Checkpoint file cannot be used ({Reason}) and was moved to {Path}; files are read from their start, so some records may repeat")]
        public static partial void CheckpointsDamaged(ILogger logger, string path, string reason);

        [LoggerMessage(EventId = 56, Level = LogLevel.Error, Message = "Checkpoint file cannot be used ({Reason}) nor moved aside ({MoveError}); files are read from their start, so some records may repeat, and the next save replaces it")]
        public static partial void CheckpointsDamagedNotMoved(ILogger logger, string reason, string moveError);
    }
}
