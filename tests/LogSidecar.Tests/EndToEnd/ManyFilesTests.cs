using LogWriter;

namespace LogSidecar.Tests.EndToEnd;

/// <summary>
/// Many files against the real sidecar process: memory for file data is one shared budget (a capped
/// heap proves it), at most tailing.maxOpenFiles descriptors are held (counted from /proc/PID/fd while
/// it runs), files take turns, and a rotated file still holding a descriptor is drained.
/// </summary>
public class ManyFilesTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ThousandFilesUnderACappedHeapAreEachDeliveredOnceWithNoMoreDescriptorsThanTheCap()
    {
        using var dir = new TempDirectory();
        var next = 1L;
        for (var i = 0; i < 1000; i++)
        {
            await File.WriteAllTextAsync(dir.File($"small-{i:D4}.log"), NumberedLines.Text(next, 20), Cancel);
            next += 20;
        }

        for (var i = 0; i < 3; i++)
        {
            await File.WriteAllTextAsync(dir.File($"big-{i}.log"), NumberedLines.Text(next, 30_000), Cancel);
            next += 30_000;
        }

        // A read buffer per file (1,003 x 256 KiB) does not fit this heap; the shared budget does.
        var environment = Environment("""{"maxOpenFiles":16,"fileTurnMs":0}""");
        environment["DOTNET_GCHeapHardLimit"] = "0x3000000";

        // Checkpoints elsewhere: only the tailed files' descriptors are counted.
        using var state = new TempDirectory();
        await using var sidecar = SidecarProcess.Start(["--path", dir.File("*.log"), "--checkpoint-dir", state.Path], environment: environment);
        await using (var descriptors = new DescriptorSampler(sidecar.Process.Id, dir.Path))
        {
            await sidecar.WaitForNumbersAsync(next - 1);
            await descriptors.DisposeAsync();
            Assert.True(descriptors.Samples > 0);
            Assert.InRange(descriptors.Highest, 1, 16);
        }

        Assert.Equal(0, await sidecar.Process.TerminateAsync());
        sidecar.AssertEachNumberOnce(next - 1);
    }

    [Fact]
    public async Task QuietFilesAreReadWhileABusyFileHoldingTheOnlyDescriptorIsStillBeingWritten()
    {
        using var dir = new TempDirectory();
        var busy = dir.File("busy.log");
        await using var writer = LogWriterProcess.Start(busy);
        await writer.WriteAsync(1000);

        // One descriptor: the busy file, though never idle, must give it up in turn.
        await using var sidecar = SidecarProcess.Start(
            ["--path", dir.File("*.log")], environment: Environment("""{"maxOpenFiles":1,"fileTurnMs":200}"""));
        await sidecar.WaitForNumbersAsync(writer.Last);
        for (var i = 0; i < 5; i++)
        {
            await File.WriteAllTextAsync(dir.File($"quiet-{i}.log"), $"quiet {i}\n", Cancel);
        }

        // The busy file grows, and each round waits for its lines, until every quiet line is out.
        // Bounded: a sidecar that never took the descriptor from the busy file would go round forever.
        var rounds = 0;
        while (QuietLines(sidecar) < 5 && ++rounds < 100)
        {
            await writer.WriteAsync(100);
            await sidecar.WaitForNumbersAsync(writer.Last);
        }

        Assert.True(rounds < 100, $"{QuietLines(sidecar)} of 5 quiet lines after {rounds} rounds of the busy file");
        await writer.WriteAsync(100);
        await sidecar.WaitForNumbersAsync(writer.Last);
        Assert.Equal(0, await sidecar.Process.TerminateAsync());

        // The quiet lines came out between the busy file's lines, not after them.
        var lines = sidecar.Process.Lines.ToList();
        var lastQuiet = lines.FindLastIndex(IsQuiet);
        var lastBusy = lines.FindIndex(line => SidecarProcess.Numbers([line]).FirstOrDefault() == writer.Last);
        Assert.InRange(lastQuiet, 0, lastBusy);
        sidecar.AssertEachNumberOnce(writer.Last);
    }

    [Fact]
    public async Task FileRotatedOutOfTheGlobWhileOthersWaitForDescriptorsIsDrainedBeforeItIsClosed()
    {
        using var dir = new TempDirectory();
        var log = dir.File("app.log");
        await using var writer = LogWriterProcess.Start(log);
        using var endpoint = new MetricsEndpoint();

        // Two descriptors: app.log, written all along, keeps one for its long turn; quiet files,
        // unchanged for longer than a turn, take the other one after another.
        await using var sidecar = SidecarProcess.Start(
            ["--path", dir.File("*.log"), .. endpoint.Flags],
            environment: Environment("""{"maxOpenFiles":2,"fileTurnMs":600000,"rotateWaitMs":1000}"""));

        var quiet = 0;
        for (var rotation = 1; rotation <= 3; rotation++)
        {
            for (var round = 0; round < 5; round++)
            {
                var path = dir.File($"quiet-{quiet:D3}.log");
                await File.WriteAllTextAsync(path, $"quiet {quiet++}\n", Cancel);
                File.SetLastWriteTimeUtc(path, DateTime.UtcNow.AddHours(-1));
                await writer.WriteAsync(200);
            }

            // Renamed out of the glob (*.log) while it holds a descriptor and is still written to.
            await sidecar.WaitForNumbersAsync(writer.Last);
            File.Move(log, $"{log}.{rotation}");
            await writer.WriteAsync(300); // only the renamed file, which no glob matches, gets these
            await writer.ReopenAsync();
        }

        await writer.WriteAsync(100);
        await sidecar.WaitForNumbersAsync(writer.Last);
        await sidecar.Process.WaitUntilAsync(_ => QuietLines(sidecar) == quiet, $"{quiet} quiet lines");

        Assert.Equal(0, MetricsEndpoint.Value(await endpoint.ScrapeAsync(), "logsidecar_dropped_bytes_total{reason=\"gone_before_read\"}"));
        Assert.Equal(0, await sidecar.Process.TerminateAsync());
        sidecar.AssertEachNumberOnce(writer.Last);
        Assert.Contains("wait for a descriptor", sidecar.Process.Errors, StringComparison.Ordinal);
    }

    /// <summary>The sidecar's configuration with these tailing settings; --path gives the stream.</summary>
    private static Dictionary<string, string> Environment(string tailing) => new()
    {
        ["LOGSIDECAR_CONFIG"] = $$"""{"streams":[{"name":"app","paths":["/unused"]}],"tailing":{{tailing}}}""",
    };

    private static int QuietLines(SidecarProcess sidecar) => sidecar.Process.Lines.Count(IsQuiet);

    private static bool IsQuiet(string line) => SidecarProcess.Message(line).StartsWith("quiet ", StringComparison.Ordinal);
}
