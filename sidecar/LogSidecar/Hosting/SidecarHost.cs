using System.Net;
using System.Threading.Channels;
using LogSidecar.Checkpoints;
using LogSidecar.Contracts.Configuration;
using LogSidecar.Diagnostics;
using LogSidecar.Output;
using LogSidecar.Parsing;
using LogSidecar.Pipeline;
using LogSidecar.Shipping;
using LogSidecar.Sinks;
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

    public SidecarMetrics Metrics { get; } = new();

    /// <summary>Runs until <paramref name="shutdown"/> fires (or, with <paramref name="once"/>, until every file is read). Returns the exit code.</summary>
    public async Task<int> RunAsync(bool once, CancellationToken shutdown)
    {
        var store = new CheckpointStore(config.CheckpointDir!);
        if (!store.TryPrepare(out var storeError))
        {
            Log.Fatal(_log, storeError!);
            return 2;
        }

        var registry = new CheckpointRegistry(time);
        var saved = LoadCheckpoints(store);
        registry.Load(saved ?? []);

        var channel = Channel.CreateBounded<LineBatch>(new BoundedChannelOptions(ChannelCapacity)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = true,
        });

        var streams = config.Streams.Select(s => new WatchedStream(s)).ToList();
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

        var output = new DeliveryLoop(channel.Reader, sinks.Routes, time);
        var checkpointer = new Checkpointer(registry, store, TimeSpan.FromMilliseconds(config.CheckpointIntervalMs), time, loggers.CreateLogger<Checkpointer>());

        string? healthError = null;
        using var health = config.Metrics.Port == 0 ? null : HealthServer.TryStart(
            new IPEndPoint(IPAddress.Parse(config.Metrics.Address), config.Metrics.Port),
            Metrics,
            () => watcher.Started,
            loggers.CreateLogger<HealthServer>(),
            out healthError);
        if (healthError is not null)
        {
            Log.Fatal(_log, healthError);
            return 2;
        }

        // abort: the budget is spent, stop waiting. It starts counting when shutdown begins.
        using var abort = new CancellationTokenSource();
        using var stopBackground = new CancellationTokenSource();
        using var budget = shutdown.Register(() => abort.CancelAfter(TimeSpan.FromSeconds(config.ShutdownBudgetSeconds)));

        var outputTask = output.RunAsync(abort.Token);
        var checkpointTask = checkpointer.RunAsync(stopBackground.Token);
        var healthTask = health?.RunAsync(stopBackground.Token) ?? Task.CompletedTask;
        Log.Started(_log, streams.Count, store.Directory);

        var exitCode = 0;
        try
        {
            var watcherTask = watcher.RunAsync(once, shutdown, abort.Token);
            await Task.WhenAny(watcherTask, outputTask);
            if (outputTask.IsFaulted)
            {
                // Writing to stdout failed (backends retry without end): nothing more can be delivered, and nothing unwritten was acknowledged.
                Log.OutputFailed(_log, outputTask.Exception!.GetBaseException().Message);
                await abort.CancelAsync();
                exitCode = 1;
            }

            await watcherTask;
            channel.Writer.Complete();
            await outputTask;
        }
        catch (OperationCanceledException) when (abort.IsCancellationRequested)
        {
            Log.BudgetExceeded(_log, config.ShutdownBudgetSeconds);
            exitCode = 1;
        }
        catch (IOException e)
        {
            Log.OutputFailed(_log, e.Message);
            exitCode = 1;
        }
        finally
        {
            await stopBackground.CancelAsync();
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
        var pod = PodMetadata.FromEnvironment();
        var parsers = config.Streams.ToDictionary(s => s.Name, RecordParsers.Create);
        var outputOptions = OutputOptions.From(config.Output);
        IRecordFormatter formatter = outputOptions.Json
            ? new JsonRecordFormatter(outputOptions, pod, Metrics, parsers)
            : new RawRecordFormatter(outputOptions, Metrics);
        var stdoutSink = new StdoutSink(formatter, stdout, OutputBufferBytes, Metrics);
        var factory = new SinkFactory(pod, parsers, Metrics, new DeadLetterWriter(stderr, time), time, loggers);
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

    private IReadOnlyList<FileCheckpoint>? LoadCheckpoints(CheckpointStore store)
    {
        try
        {
            return store.Load();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Text.Json.JsonException)
        {
            // Never crash and never skip data: set the damaged file aside and read files from their start.
            var aside = Path.Combine(store.Directory, $"{CheckpointStore.FileName}.damaged-{time.GetUtcNow().ToUnixTimeSeconds()}");
            File.Move(Path.Combine(store.Directory, CheckpointStore.FileName), aside, overwrite: true);
            Log.CheckpointsDamaged(_log, aside, e.Message);
            return [];
        }
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

        [LoggerMessage(EventId = 55, Level = LogLevel.Error, Message = "Checkpoint file was damaged and was moved to {Path} ({Reason}); files are read from their start, so some records may repeat")]
        public static partial void CheckpointsDamaged(ILogger logger, string path, string reason);
    }
}
