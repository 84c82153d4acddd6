using LogWriter;

namespace LogSidecar.Tests.EndToEnd;

/// <summary>
/// Copies of tailed files, recognised by their content, against the real sidecar and a real writer
/// process: copytruncate (the file is copied, then truncated in place), plain backups, files that only
/// share a header, a copy found after a restart, and the lines copytruncate itself can lose.
/// </summary>
public class CopyTruncateTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task CopytruncateEveryHalfSecondUnderAFastWriterDeliversEveryLineOnce()
    {
        using var dir = new TempDirectory();
        var log = dir.File("app.log");
        await using var writer = LogWriterProcess.Start(log);
        using var endpoint = new MetricsEndpoint();
        await using var sidecar = SidecarProcess.Start(["--path", dir.File("app.log*"), .. endpoint.Flags]);

        // ~20,000 lines a second for 3 s, copied and truncated every 0.5 s, four copies kept (app.log.1 .. .4).
        await writer.RunAsync(seconds: 3, rate: 20_000, rotateMs: 500, keep: 4);
        await writer.WriteAsync(100);
        await sidecar.WaitForNumbersAsync(writer.Last);

        sidecar.AssertEachNumberOnce(writer.Last);
        Assert.True(File.Exists($"{log}.4"), "fewer rotations than the scenario asks for");
        Assert.InRange(MetricsEndpoint.Value(await endpoint.ScrapeAsync(), "logsidecar_copies_recognized_total") ?? 0, 1, 100);
        Assert.Equal(0, await sidecar.Process.TerminateAsync());
    }

    [Theory]
    [InlineData("short")]
    [InlineData("half")]
    public async Task ACopySeenWhileItIsStillBeingWrittenIsNotReadAgain(string firstPiece)
    {
        using var dir = new TempDirectory();
        var log = dir.File("app.log");
        await using var writer = LogWriterProcess.Start(log);
        await writer.WriteAsync(5000);
        await using var sidecar = SidecarProcess.Start(["--path", dir.File("app.log*")]);
        await sidecar.WaitForNumbersAsync(writer.Last);

        // copytruncate as logrotate does it, the copy written piece by piece: scans see the copy shorter
        // than the 1 KiB fingerprint, or part-written, before it is whole; then the truncation.
        var content = await File.ReadAllBytesAsync(log, Cancel);
        int[] ends = firstPiece == "short" ? [100, content.Length / 2, content.Length] : [content.Length / 2, content.Length];
        await using (var copy = new FileStream($"{log}.1", FileMode.CreateNew, FileAccess.Write, FileShare.ReadWrite))
        {
            var written = 0;
            foreach (var end in ends)
            {
                await copy.WriteAsync(content.AsMemory(written, end - written), Cancel);
                await copy.FlushAsync(Cancel);
                written = end;

                // Pacing, not a timing assertion: a poll or two (250 ms each) see this piece.
                await Task.Delay(TimeSpan.FromMilliseconds(500), Cancel);
            }
        }

        await sidecar.Process.WaitForErrorOutputAsync($"{log}.1 is a copy of {log}");
        using (var truncate = new FileStream(log, FileMode.Open, FileAccess.Write, FileShare.ReadWrite))
        {
            truncate.SetLength(0);
        }

        await writer.WriteAsync(100);
        await sidecar.WaitForNumbersAsync(writer.Last);
        Assert.Equal(0, await sidecar.Process.TerminateAsync());
        sidecar.AssertEachNumberOnce(writer.Last);
    }

    [Fact]
    public async Task ALineReadInPartWhenTheFileIsCopiedAndTruncatedIsDeliveredWholeFromTheCopy()
    {
        using var dir = new TempDirectory();
        var log = dir.File("app.log");
        await using var writer = LogWriterProcess.Start(log);
        await writer.WriteAsync(100_000);

        // Nobody reads stdout yet: the pipe fills and reading stops mid-file, the last line read only in
        // part (reads end at buffer boundaries, not at newlines). Then copytruncate, then the reader.
        await using var sidecar = SidecarProcess.Start(["--path", dir.File("app.log*")], readOutput: false);
        await sidecar.Process.WaitForErrorOutputAsync("First scan");
        await Task.Delay(TimeSpan.FromMilliseconds(500), Cancel);
        await writer.CopyTruncateAsync(keep: 1);
        await writer.WriteAsync(100);

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Cancel);
        timeout.CancelAfter(ChildProcess.DefaultTimeout);
        var records = new List<string>();
        var numbers = new HashSet<long>();
        try
        {
            while (numbers.Count < writer.Last && await sidecar.Process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
            {
                records.Add(line);
                numbers.UnionWith(SidecarProcess.Numbers([line]));
            }
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !Cancel.IsCancellationRequested)
        {
            // Some line never came whole: the assertions below say which.
        }

        await sidecar.Process.WaitForErrorOutputAsync($"{log}.1 is a copy of {log}");
        Assert.Equal(0, await sidecar.Process.TerminateAsync());
        records.AddRange((await sidecar.Process.StandardOutput.ReadToEndAsync(Cancel)).Split('\n', StringSplitOptions.RemoveEmptyEntries));

        // Every record is one whole line, none a piece of one; every line once.
        var pieces = records.Select(SidecarProcess.Message).Where(message => message.Length != 68).Take(3).ToList();
        Assert.True(pieces.Count == 0, $"lines delivered in pieces: {string.Join(" | ", pieces)}");
        Assert.Equal(Enumerable.Range(1, (int)writer.Last).Select(n => (long)n), SidecarProcess.Numbers(records).Order());
    }

    [Fact]
    public async Task PlainBackupCopyOfATailedFileIsNotReadAgain()
    {
        using var dir = new TempDirectory();
        var log = dir.File("app.log");
        await using var writer = LogWriterProcess.Start(log);
        await writer.WriteAsync(500);
        await using var sidecar = SidecarProcess.Start(["--path", dir.File("app.log*")]);
        await sidecar.WaitForNumbersAsync(writer.Last);

        // Copied while it is read (cp), then both stay: the original keeps growing, the copy does not.
        File.Copy(log, $"{log}.bak");
        await writer.WriteAsync(300);
        await sidecar.WaitForNumbersAsync(writer.Last);
        await sidecar.Process.WaitForErrorOutputAsync($"{log}.bak is a copy of {log}");
        await writer.WriteAsync(10);
        await sidecar.WaitForNumbersAsync(writer.Last);

        // Lines of its own appended to the backup are read, once.
        await File.AppendAllTextAsync($"{log}.bak", "a note added to the backup\n", Cancel);
        await sidecar.Process.WaitUntilAsync(lines => lines.Any(line => SidecarProcess.Message(line) == "a note added to the backup"), "the backup's own line");

        Assert.Equal(0, await sidecar.Process.TerminateAsync());
        sidecar.AssertEachNumberOnce(writer.Last);
        Assert.Single(sidecar.Process.Lines, line => SidecarProcess.Message(line) == "a note added to the backup");
    }

    [Fact]
    public async Task FileThatOnlySharesItsFirstBytesWithATailedFileIsReadWhole()
    {
        using var dir = new TempDirectory();
        var header = string.Concat(Enumerable.Range(1, 40).Select(n => $"header {n:D2} of the common banner every instance writes first\n"));
        await File.WriteAllTextAsync(dir.File("app.log"), header + NumberedLines.Text(1, 300), Cancel);
        await using var sidecar = SidecarProcess.Start(["--path", dir.File("*.log")]);
        await sidecar.WaitForNumbersAsync(300);

        // The same 2.6 KB banner (more than the 1 KiB fingerprint), then other lines: not a copy.
        await File.WriteAllTextAsync(dir.File("other.log"), header + NumberedLines.Text(301, 100), Cancel);
        await sidecar.WaitForNumbersAsync(400);

        Assert.Equal(0, await sidecar.Process.TerminateAsync());
        sidecar.AssertEachNumberOnce(400);
        Assert.Equal(80, sidecar.Process.Lines.Count(line => SidecarProcess.Message(line).StartsWith("header ", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task CopyOfAFileTruncatedWhileTheSidecarWasStoppedIsReadOnlyPastTheSavedPosition()
    {
        using var dir = new TempDirectory();
        var log = dir.File("app.log");
        await using var writer = LogWriterProcess.Start(log);
        await writer.WriteAsync(1000);
        List<string> before;
        await using (var first = SidecarProcess.Start(["--path", dir.File("app.log*")]))
        {
            await first.WaitForNumbersAsync(writer.Last);
            Assert.Equal(0, await first.Process.TerminateAsync());
            before = [.. first.Process.Lines];
        }

        // While it is stopped: lines it never saw, then copytruncate, then lines of the new content.
        await writer.WriteAsync(500);
        await writer.CopyTruncateAsync(keep: 2);
        await writer.WriteAsync(100);
        await using var second = SidecarProcess.Start(["--path", dir.File("app.log*")]);
        var seenBefore = SidecarProcess.Numbers(before).ToHashSet();
        await second.Process.WaitUntilAsync(
            lines => seenBefore.Union(SidecarProcess.Numbers(lines)).Count() == writer.Last, $"lines 1..{writer.Last} over both runs");
        await second.Process.WaitForErrorOutputAsync($"{log}.1 is a copy of {log}");
        Assert.Equal(0, await second.Process.TerminateAsync());

        var numbers = SidecarProcess.Numbers(before.Concat(second.Process.Lines));
        Assert.Equal(Enumerable.Range(1, (int)writer.Last).Select(n => (long)n), numbers.Order());
    }

    [Fact]
    public async Task LinesWrittenBetweenTheCopyAndTheTruncationThatWereSeenButNotReadAreCountedAsLost()
    {
        using var dir = new TempDirectory();
        var log = dir.File("app.log");
        var hold = dir.File("app.log.hold");
        await using var writer = LogWriterProcess.Start(log);
        await writer.WriteAsync(500);
        using var endpoint = new MetricsEndpoint();

        // One descriptor, long turns: a file keeps it unless it is found unchanged for a turn.
        await using var sidecar = SidecarProcess.Start(
            ["--path", dir.File("app.log*"), .. endpoint.Flags],
            environment: new Dictionary<string, string>
            {
                ["LOGSIDECAR_CONFIG"] = """{"streams":[{"name":"app","paths":["/unused"]}],"tailing":{"maxOpenFiles":1,"fileTurnMs":600000,"rotateWaitMs":200}}""",
            });
        await sidecar.WaitForNumbersAsync(writer.Last);

        // app.log, unchanged for long (by its time), gives the descriptor to app.log.hold, which keeps it.
        File.SetLastWriteTimeUtc(log, DateTime.UtcNow.AddHours(-1));
        await File.WriteAllTextAsync(hold, "hold\n", Cancel);
        await sidecar.Process.WaitUntilAsync(lines => lines.Any(line => SidecarProcess.Message(line) == "hold"), "app.log.hold's line");

        // copytruncate by hand, slowly: copy, 20 lines more, which discovery sees while app.log waits
        // for the descriptor, then the truncation and lines of the new content.
        File.Copy(log, $"{log}.1");
        var copied = writer.Last;
        await writer.WriteAsync(20);
        var race = writer.Last - copied;
        var raceBytes = NumberedLines.Text(copied + 1, (int)race).Length;
        // The held file is drained, so the stream's lag is app.log's: the 20 lines it has not read.
        await endpoint.WaitUntilAsync(
            text => MetricsEndpoint.Value(text, "logsidecar_stream_lag_bytes{stream=\"app\"}") >= raceBytes, "the lines written after the copy", sidecar.Process);
        using (var truncate = new FileStream(log, FileMode.Open, FileAccess.Write, FileShare.ReadWrite))
        {
            truncate.SetLength(0);
        }

        await writer.WriteAsync(80);
        File.SetLastWriteTimeUtc(log, DateTime.UtcNow.AddHours(-1));

        // app.log.hold leaves the glob: drained, it gives the descriptor back; app.log, found truncated
        // when its turn comes, reads its new content, then gives it to the copy, app.log.1.
        File.Move(hold, dir.File("hold.gone"));
        await sidecar.WaitForNumbersAsync(copied);
        await sidecar.Process.WaitUntilAsync(
            lines => SidecarProcess.Numbers(lines).Count(n => n > copied + race) == 80, "the new content's lines");
        await sidecar.Process.WaitForErrorOutputAsync("the copytruncate race");

        Assert.Equal(raceBytes, MetricsEndpoint.Value(await endpoint.ScrapeAsync(), "logsidecar_dropped_bytes_total{reason=\"truncated_before_read\"}"));
        Assert.Equal(0, await sidecar.Process.TerminateAsync());
        var numbers = SidecarProcess.Numbers(sidecar.Process.Lines);
        var expected = Enumerable.Range(1, (int)writer.Last).Select(n => (long)n).Where(n => n <= copied || n > copied + race);
        Assert.Equal(expected, numbers.Order());
    }
}
