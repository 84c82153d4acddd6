using LogSidecar.Diagnostics;
using LogSidecar.Tailing;

namespace LogSidecar.Tests.Tailing;

/// <summary>Walks over real directory trees with real symbolic links.</summary>
public class GlobWalkTests
{
    [Fact]
    public void LinkBackToADirectoryOnThePathIsReportedAsALoopAndNotEntered()
    {
        using var dir = new TempDirectory();
        Directory.CreateDirectory(dir.File("a/b"));
        File.WriteAllText(dir.File("a/b/app.log"), "");
        Directory.CreateSymbolicLink(dir.File("a/b/up"), "..");
        Directory.CreateSymbolicLink(dir.File("a/b/root"), dir.Path);

        var (result, found) = WalkRecorder.Walk(dir.File("**/*.log"));

        Assert.Equal(WalkOutcome.Complete, result.Outcome);
        Assert.Equal([dir.File("a/b/app.log")], found.Files);
        Assert.Equal(
            [(dir.File("a/b/root"), SkipReason.Loop, dir.Path), (dir.File("a/b/up"), SkipReason.Loop, dir.File("a"))],
            found.Skipped.OrderBy(s => s.Path, StringComparer.Ordinal));
    }

    [Fact]
    public void ManyLinksToOneDirectoryListItOnce()
    {
        using var dir = new TempDirectory();
        Directory.CreateDirectory(dir.File("real"));
        File.WriteAllText(dir.File("real/app.log"), "");
        for (var i = 0; i < 50; i++)
        {
            Directory.CreateSymbolicLink(dir.File($"alias{i}"), "real");
        }

        var (result, found) = WalkRecorder.Walk(dir.File("**/*.log"));

        Assert.Equal(WalkOutcome.Complete, result.Outcome);
        Assert.Single(found.Files);
        Assert.Empty(found.Skipped);
    }

    [Fact]
    public void LinkToADirectoryElsewhereIsNotEnteredAndSaysWhereItLeads()
    {
        using var dir = new TempDirectory();
        using var elsewhere = new TempDirectory();
        File.WriteAllText(elsewhere.File("secret.log"), "");
        Directory.CreateSymbolicLink(dir.File("mounted"), elsewhere.Path);

        var (_, found) = WalkRecorder.Walk(dir.File("**/*.log"));

        Assert.Empty(found.Files);
        Assert.Equal([(dir.File("mounted"), SkipReason.OutsideRoot, elsewhere.Path)], found.Skipped);
    }

    [Fact]
    public void LinkToADirectoryInsideIsEnteredWhereTheGlobMatchesThroughIt()
    {
        using var dir = new TempDirectory();
        Directory.CreateDirectory(dir.File("releases/v2"));
        File.WriteAllText(dir.File("releases/v2/app.log"), "");
        Directory.CreateSymbolicLink(dir.File("current"), "releases/v2");

        var (_, found) = WalkRecorder.Walk(dir.File("current/*.log"));

        // The glob's own directory is the link: that is refused as a whole (see the next test)...
        Assert.Empty(found.Files);

        // ...while a link below the glob's directory that stays inside is followed.
        Assert.Equal([dir.File("current/app.log")], WalkRecorder.Walk(dir.File("*/app.log")).Found.Files);
    }

    [Fact]
    public void GlobWhoseDirectoryIsALinkIsNotWalkedAndSaysWhereItLeads()
    {
        using var dir = new TempDirectory();
        using var elsewhere = new TempDirectory();
        File.WriteAllText(elsewhere.File("password"), "");
        Directory.CreateSymbolicLink(dir.File("logs"), elsewhere.Path);

        var (result, found) = WalkRecorder.Walk(dir.File("logs/*"));

        Assert.Equal(new WalkResult(WalkOutcome.DirectoryIsLink, elsewhere.Path), result);
        Assert.Empty(found.Files);
    }

    [Fact]
    public void DirectoriesDeeperThanTheLimitAreReportedAndNotEntered()
    {
        using var dir = new TempDirectory();
        Directory.CreateDirectory(dir.File("1/2/3/4"));
        File.WriteAllText(dir.File("1/2/two.log"), "");
        File.WriteAllText(dir.File("1/2/3/4/four.log"), "");

        var (result, found) = WalkRecorder.Walk(dir.File("**/*.log"), new ScanLimits(MaxDepth: 2, MaxEntries: 1000));

        Assert.Equal(WalkOutcome.Complete, result.Outcome);
        Assert.Equal([dir.File("1/2/two.log")], found.Files);
        Assert.Equal([(dir.File("1/2/3"), SkipReason.TooDeep, dir.Path)], found.Skipped);
    }

    [Fact]
    public void WalkStopsAtTheEntryLimitAndSaysItDidNotSeeEverything()
    {
        using var dir = new TempDirectory();
        for (var i = 0; i < 300; i++)
        {
            File.WriteAllText(dir.File($"{i}.log"), "");
        }

        var (result, found) = WalkRecorder.Walk(dir.File("*.log"), new ScanLimits(MaxDepth: 16, MaxEntries: 100));

        Assert.Equal(WalkOutcome.EntryLimit, result.Outcome);
        Assert.False(result.SawEverything);
        Assert.Equal(100, found.Files.Count);
    }

    [Fact]
    public void CancelledWalkStopsAndSaysItDidNotSeeEverything()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("a.log"), "");

        var (result, found) = WalkRecorder.Walk(dir.File("*.log"), cancel: true);

        Assert.Equal(WalkOutcome.Cancelled, result.Outcome);
        Assert.False(result.SawEverything);
        Assert.Empty(found.Files);
    }

    [Fact]
    public void OnlyDirectoriesWhereTheGlobCanStillMatchAreEntered()
    {
        using var dir = new TempDirectory();
        Directory.CreateDirectory(dir.File("app/x"));
        Directory.CreateDirectory(dir.File("other"));
        File.WriteAllText(dir.File("app/x/a.log"), "");
        File.WriteAllText(dir.File("other/a.log"), "");
        File.SetUnixFileMode(dir.File("other"), UnixFileMode.None);

        // other/ is unreadable to an ordinary user: it must not even be tried (root reads it anyway).
        var (_, found) = WalkRecorder.Walk(dir.File("app*/*/a.log"));
        File.SetUnixFileMode(dir.File("other"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

        Assert.Equal([dir.File("app/x/a.log")], found.Files);
        Assert.Empty(found.Unlistable);
    }
}
