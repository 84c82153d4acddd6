using LogSidecar.Diagnostics;
using LogSidecar.Tailing;

namespace LogSidecar.Tests.Tailing;

/// <summary>Opening discovered files on real files, links and FIFOs.</summary>
public class FileGateTests
{
    [Fact]
    public void RegularFileUnderTheGlobsDirectoryOpens()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("a.log"), "x\n");

        var attempt = Open(dir.File("*.log"), dir.File("a.log"));
        using var handle = attempt.Handle;

        Assert.Equal((OpenOutcome.Opened, dir.File("a.log")), (attempt.Outcome, attempt.Detail));
    }

    [Fact]
    public void LinkToAFileElsewhereIsSkippedWithWhereItLeads()
    {
        using var dir = new TempDirectory();
        using var elsewhere = new TempDirectory();
        File.WriteAllText(elsewhere.File("password"), "secret\n");
        File.CreateSymbolicLink(dir.File("x.log"), elsewhere.File("password"));

        var attempt = Open(dir.File("*.log"), dir.File("x.log"));

        Assert.Equal((OpenOutcome.Skipped, SkipReason.OutsideRoot, elsewhere.File("password")), (attempt.Outcome, attempt.Reason, attempt.Detail));
        Assert.Null(attempt.Handle);
    }

    [Fact]
    public void LinkToAFileInsideOpensTheTarget()
    {
        using var dir = new TempDirectory();
        Directory.CreateDirectory(dir.File("real"));
        File.WriteAllText(dir.File("real/app-1.log"), "x\n");
        File.CreateSymbolicLink(dir.File("current.log"), "real/app-1.log");

        var attempt = Open(dir.File("*.log"), dir.File("current.log"));
        using var handle = attempt.Handle;

        Assert.Equal((OpenOutcome.Opened, dir.File("real/app-1.log")), (attempt.Outcome, attempt.Detail));
    }

    [Fact]
    public void FileReplacedByALinkAfterItWasLookedAtIsNotOpened()
    {
        using var dir = new TempDirectory();
        using var elsewhere = new TempDirectory();
        File.WriteAllText(dir.File("a.log"), "x\n");
        File.WriteAllText(elsewhere.File("password"), "secret\n");
        PosixStat.TryGet(dir.File("a.log"), out var before, out _);
        File.Delete(dir.File("a.log"));
        File.CreateSymbolicLink(dir.File("a.log"), elsewhere.File("password"));

        var attempt = FileGate.Open(new PathGlob(dir.File("*.log")), dir.File("a.log"), before);

        Assert.Equal((OpenOutcome.Skipped, SkipReason.OutsideRoot), (attempt.Outcome, attempt.Reason));
    }

    [Fact]
    public void FileReplacedByAnotherAfterItWasLookedAtIsLeftForTheNextPoll()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("a.log"), "old\n");
        PosixStat.TryGet(dir.File("a.log"), out var before, out _);
        File.WriteAllText(dir.File("b.log"), "new\n");
        File.Move(dir.File("b.log"), dir.File("a.log"), overwrite: true);

        Assert.Equal(OpenOutcome.Gone, FileGate.Open(new PathGlob(dir.File("*.log")), dir.File("a.log"), before).Outcome);
    }

    [Fact]
    public async Task FifoIsSkippedAndOpeningOneDoesNotBlock()
    {
        using var dir = new TempDirectory();
        SpecialFiles.MakeFifo(dir.File("app.log"));

        var attempt = Open(dir.File("*.log"), dir.File("app.log"));

        Assert.Equal((OpenOutcome.Skipped, SkipReason.NotRegular, "a FIFO (named pipe)"), (attempt.Outcome, attempt.Reason, attempt.Detail));

        // Even reached past the type check (a FIFO swapped in after it), the open returns at once.
        using var handle = await Task.Run(() => PosixFile.OpenNoFollow(dir.File("app.log"), out _), TestContext.Current.CancellationToken)
            .WaitAsync(ChildProcess.DefaultTimeout, TestContext.Current.CancellationToken);
        Assert.NotNull(handle);
        Assert.True(PosixStat.TryGet(handle, out var stat, out _));
        Assert.Equal(FileKind.Fifo, stat.Kind);
    }

    [Fact]
    public void OpeningWithoutFollowingRefusesALinkInTheLastComponent()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("a.log"), "x\n");
        File.CreateSymbolicLink(dir.File("link.log"), dir.File("a.log"));

        using var handle = PosixFile.OpenNoFollow(dir.File("link.log"), out var errno);

        Assert.Null(handle);
        Assert.Equal(PosixFile.TooManyLinks, errno);
    }

    [Fact]
    public void KernelSaysWhereAnOpenFileIsWhateverHappenedToItsPath()
    {
        using var dir = new TempDirectory();
        Directory.CreateDirectory(dir.File("sub"));
        File.WriteAllText(dir.File("sub/a.log"), "x\n");
        using var handle = PosixFile.OpenNoFollow(dir.File("sub/a.log"), out _);
        Directory.Move(dir.File("sub"), dir.File("moved"));

        Assert.Equal(dir.File("moved/a.log"), PosixFile.OpenedPath(handle!));
    }

    private static OpenAttempt Open(string pattern, string path)
    {
        Assert.True(PosixStat.TryGet(path, out var stat, out _));
        return FileGate.Open(new PathGlob(pattern), path, stat);
    }
}
