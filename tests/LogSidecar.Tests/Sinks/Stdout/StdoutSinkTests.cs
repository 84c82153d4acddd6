using System.Text.Json;
using System.Text.Json.Nodes;

namespace LogSidecar.Tests.Sinks.Stdout;

/// <summary>The real sidecar's stdout when its reader goes away or stops reading.</summary>
public class StdoutSinkTests
{
    [Fact]
    public async Task WhenTheReaderOfStdoutGoesAwayTheSidecarExitsOneWithOneMessageAndARestartDeliversWhatItDidNotTake()
    {
        using var dir = new TempDirectory();
        var log = dir.File("app.log");
        await using var writer = LogWriterProcess.Start(log);
        await writer.WriteAsync(50_000);
        string[] args = ["--path", log, "--checkpoint-dir", dir.File("state")];

        // Following (no --once): a real reader takes one line and exits; the sidecar must end by itself.
        await using (var piped = SidecarProcess.StartPiped(args, "head -n 1"))
        {
            Assert.Equal(1, await piped.Process.WaitForExitAsync());
            Assert.Equal([1L], SidecarProcess.Numbers(piped.Process.Lines));
            var errors = piped.Process.Errors;
            Assert.Single(errors.Split('\n'), line => line.Contains("writing to stdout failed", StringComparison.Ordinal));
            Assert.Contains("Broken pipe", errors, StringComparison.Ordinal);
            Assert.DoesNotContain("Shutdown budget", errors, StringComparison.Ordinal);
        }

        await using var rerun = SidecarProcess.Start([.. args, "--once"]);

        Assert.Equal(0, await rerun.Process.WaitForExitAsync());
        var again = SidecarProcess.Numbers(rerun.Process.Lines);
        Assert.Equal(Enumerable.Range(2, 49_999).Select(n => (long)n), again.Where(n => n >= 2));
    }

    [Fact]
    public async Task AStdoutNobodyReadsCannotHoldTheShutdownPastItsBudgetAndNothingUnwrittenIsAcknowledged()
    {
        using var dir = new TempDirectory();
        var log = dir.File("app.log");
        var config = dir.File("config.json");
        await File.WriteAllTextAsync(config, """{"shutdownBudgetSeconds":2,"checkpointIntervalMs":50}""", TestContext.Current.CancellationToken);
        await using var writer = LogWriterProcess.Start(log);
        await writer.WriteAsync(100);
        string[] args = ["--config", config, "--path", log, "--checkpoint-dir", dir.File("state")];
        await using var sidecar = SidecarProcess.Start(args, readOutput: false);

        // The reader takes the first 100 records, which get acknowledged and saved, then stops reading for good.
        var taken = new List<string>();
        for (var i = 0; i < 100; i++)
        {
            taken.Add((await sidecar.Process.StandardOutput.ReadLineAsync(TestContext.Current.CancellationToken))!);
        }

        await sidecar.Process.WaitForErrorOutputAsync("First scan");
        await WaitForSavedOffsetAsync(dir.File("state/checkpoints.json"), new FileInfo(log).Length, sidecar.Process);
        await writer.WriteAsync(100_000);

        // It cannot drain 100,000 records into a pipe nobody reads: the budget ends it.
        var exitCode = await sidecar.Process.TerminateAsync();

        Assert.Equal(1, exitCode);
        Assert.Contains("Shutdown budget of 2 s spent", sidecar.Process.Errors, StringComparison.Ordinal);

        // What the pipe took: the 100 lines read, then what is still buffered in it.
        taken.AddRange((await sidecar.Process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken)).Split('\n').Where(SidecarProcess.IsComplete));
        var written = SidecarProcess.Numbers(taken).ToHashSet();
        var acknowledged = LinesBefore(log, SavedOffset(dir.File("state/checkpoints.json")));
        Assert.True(acknowledged >= 100, $"only {acknowledged} lines were acknowledged");
        Assert.All(Enumerable.Range(1, (int)acknowledged), n => Assert.Contains(n, written));

        // The next start delivers everything after the checkpoint: together, every line.
        await using var rerun = SidecarProcess.Start([.. args, "--once"]);
        Assert.Equal(0, await rerun.Process.WaitForExitAsync());
        var all = written.Union(SidecarProcess.Numbers(rerun.Process.Lines)).ToHashSet();
        Assert.Equal(writer.Last, all.Count(n => n <= writer.Last));
    }

    private static async Task WaitForSavedOffsetAsync(string checkpoints, long offset, ChildProcess process)
    {
        // Saves happen every 50 ms; stderr is quiet meanwhile, so look at the file itself.
        var deadline = System.Diagnostics.Stopwatch.StartNew();
        while (!File.Exists(checkpoints) || SavedOffset(checkpoints) < offset)
        {
            Assert.False(process.HasExited, process.Errors);
            Assert.True(deadline.Elapsed < ChildProcess.DefaultTimeout, $"the checkpoint never reached {offset}");
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }
    }

    private static long SavedOffset(string checkpoints)
    {
        try
        {
            var files = JsonNode.Parse(File.ReadAllText(checkpoints))!["files"]!.AsArray();
            return files.Count == 0 ? 0 : files[0]!["offset"]!.GetValue<long>();
        }
        catch (Exception e) when (e is IOException or JsonException)
        {
            // Replaced while read: try again.
            return -1;
        }
    }

    private static long LinesBefore(string log, long offset)
    {
        using var file = File.OpenRead(log);
        var lines = 0L;
        var buffer = new byte[64 * 1024];
        for (var left = offset; left > 0;)
        {
            var read = file.Read(buffer, 0, (int)Math.Min(buffer.Length, left));
            lines += buffer.AsSpan(0, read).Count((byte)'\n');
            left -= read;
        }

        return lines;
    }
}
