using System.Text.Json;

namespace LogSidecar.Tests.EndToEnd;

/// <summary>Crashes and graceful stops of the real sidecar process, resumed from the checkpoint directory.</summary>
public class RestartTests
{
    [Fact]
    public async Task KillNineMidStreamAndRestartLosesNothingAndRepeatsOnlyTheUnacknowledgedTail()
    {
        using var dir = new TempDirectory();
        var log = dir.File("app.log");
        var checkpoints = dir.File("state");
        string[] args = ["--path", log, "--checkpoint-dir", checkpoints];
        await using var writer = LogWriterProcess.Start(log);
        var runs = new List<List<long>>();

        for (var run = 0; run < 4; run++)
        {
            await using var sidecar = SidecarProcess.Start(args);
            for (var chunk = 0; chunk < 5; chunk++)
            {
                await writer.WriteAsync(2000);
            }

            // Let it get some way into the new lines, then kill it without warning.
            var target = writer.Last - 5000;
            await sidecar.Process.WaitUntilAsync(lines => lines.Count > 0 && SidecarProcess.Numbers(lines.TakeLast(1)).FirstOrDefault() >= target, $"line {target}");
            await sidecar.Process.KillAsync();

            // SIGKILL can tear the line being written; that record was not acknowledged and comes again.
            var lines = sidecar.Process.Lines;
            runs.Add(SidecarProcess.Numbers(SidecarProcess.IsComplete(lines[^1]) ? lines : lines.SkipLast(1)));
        }

        await using (var last = SidecarProcess.Start(args))
        {
            // It resumes from the last saved checkpoint (not line 1 once a run lived past a save) and reads in order: wait for the last line.
            await last.Process.WaitUntilAsync(lines => SidecarProcess.Numbers(lines.TakeLast(1)).FirstOrDefault() >= writer.Last, $"line {writer.Last}");
            runs.Add(SidecarProcess.Numbers(last.Process.Lines));
        }

        var all = runs.SelectMany(r => r).ToHashSet();
        Assert.Equal(writer.Last, all.Count(n => n <= writer.Last));

        // Each run continues in order from a checkpoint at or before where the previous one stopped:
        // repeats are only a contiguous tail, never a gap or a reordering.
        for (var i = 1; i < runs.Count; i++)
        {
            var previousEnd = runs[i - 1].Count > 0 ? runs[i - 1][^1] : 0;
            var resumedAt = runs[i][0];
            Assert.True(resumedAt <= previousEnd + 1, $"run {i} resumed at {resumedAt}, after a gap from {previousEnd}");
            Assert.Equal(Enumerable.Range((int)resumedAt, runs[i].Count).Select(n => (long)n), runs[i]);
        }
    }

    [Fact]
    public async Task SigtermDrainsEveryFileIncludingAnUnterminatedLineSavesCheckpointsAndExitsZero()
    {
        using var dir = new TempDirectory();
        var log = dir.File("app.log");
        await using var writer = LogWriterProcess.Start(log);
        await writer.WriteAsync(1000);
        await File.AppendAllTextAsync(log, "last words without a newline", TestContext.Current.CancellationToken);

        await using var sidecar = SidecarProcess.Start(["--path", log]);
        await sidecar.Process.WaitUntilAsync(lines => lines.Count >= 1, "the first record");
        var exitCode = await sidecar.Process.TerminateAsync();

        Assert.Equal(0, exitCode);
        var lines = sidecar.Process.Lines;
        Assert.Equal(Enumerable.Range(1, 1000).Select(n => (long)n), SidecarProcess.Numbers(lines));
        using var last = JsonDocument.Parse(lines[^1]);
        Assert.Equal("last words without a newline", last.RootElement.GetProperty("message").GetString());
        Assert.True(last.RootElement.GetProperty("unterminated").GetBoolean());

        using var saved = JsonDocument.Parse(await File.ReadAllTextAsync(dir.File(".logsidecar/checkpoints.json"), TestContext.Current.CancellationToken));
        var offset = Assert.Single(saved.RootElement.GetProperty("files").EnumerateArray()).GetProperty("offset").GetInt64();
        Assert.Equal(new FileInfo(log).Length, offset);

        // Started again, it has nothing left to send.
        await using var again = SidecarProcess.Start(["--path", log, "--once"]);
        Assert.Equal(0, await again.Process.WaitForExitAsync());
        Assert.Empty(again.Process.Lines);
    }

    [Fact]
    public async Task StartAtTailSkipsWhatExistedAtTheVeryFirstStartOnly()
    {
        using var dir = new TempDirectory();
        var log = dir.File("app.log");
        await using var writer = LogWriterProcess.Start(log);
        await writer.WriteAsync(100);

        await using (var first = SidecarProcess.Start(["--path", log, "--start-at", "tail"]))
        {
            await first.Process.WaitForErrorOutputAsync("First scan found 1 file(s)");
            await writer.WriteAsync(10);
            await first.Process.WaitUntilAsync(lines => lines.Count == 10, "the 10 new lines");
            Assert.Equal(Enumerable.Range(101, 10).Select(n => (long)n), SidecarProcess.Numbers(first.Process.Lines));
            Assert.Equal(0, await first.Process.TerminateAsync());
        }

        // Later starts resume from the checkpoint: nothing written meanwhile is skipped.
        await writer.WriteAsync(5);
        await using var second = SidecarProcess.Start(["--path", log, "--start-at", "tail", "--once"]);
        Assert.Equal(0, await second.Process.WaitForExitAsync());
        Assert.Equal(Enumerable.Range(111, 5).Select(n => (long)n), SidecarProcess.Numbers(second.Process.Lines));
    }
}
