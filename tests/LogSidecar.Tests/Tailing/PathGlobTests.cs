using LogSidecar.Tailing;

namespace LogSidecar.Tests.Tailing;

public class PathGlobTests
{
    [Theory]
    [InlineData("/var/log/app/*.log", "/var/log/app/a.log", true)]
    [InlineData("/var/log/app/*.log", "/var/log/app/a.log.1", false)]
    [InlineData("/var/log/app/*.log", "/var/log/app/sub/a.log", false)]
    [InlineData("/var/log/app/app.log*", "/var/log/app/app.log.1", true)]
    [InlineData("/var/log/app/**/*.log", "/var/log/app/a.log", true)]
    [InlineData("/var/log/app/**/*.log", "/var/log/app/x/y/a.log", true)]
    [InlineData("/var/log/app/?.log", "/var/log/app/ab.log", false)]
    [InlineData("/var/log/app/exact.log", "/var/log/app/exact.log", true)]
    [InlineData("/var/log/app/**", "/var/log/app/a.log", true)]
    [InlineData("/var/log/app/**", "/var/log/app/x/y/z/a.txt", true)]
    [InlineData("/var/log/app/**", "/var/log/other/a.log", false)]
    [InlineData("/var/log/**/app/*.log", "/var/log/app/a.log", true)]
    [InlineData("/var/log/**/app/*.log", "/var/log/x/y/app/a.log", true)]
    [InlineData("/var/log/**/app/*.log", "/var/log/x/app/y/a.log", false)]
    [InlineData("/var/log/**/**/a.log", "/var/log/a.log", true)]
    [InlineData("/var/log/**/**/a.log", "/var/log/x/y/a.log", true)]
    [InlineData("/var/log/*/**/a.log", "/var/log/a.log", false)]
    [InlineData("/var/log/*/**/a.log", "/var/log/x/a.log", true)]
    [InlineData("/var/log/**/x/**", "/var/log/x/a.log", true)]
    [InlineData("/var/log/**/x/**", "/var/log/y/a.log", false)]
    public void MatchesWithinAndAcrossSegments(string pattern, string path, bool expected) =>
        Assert.Equal(expected, new PathGlob(pattern).Matches(path));

    [Fact]
    public void BaseDirectoryIsTheLongestWildcardFreePrefixNormalisedAsText()
    {
        Assert.Equal("/var/log/app", new PathGlob("/var/log/app/*.log").BaseDirectory);
        Assert.Equal("/var/log", new PathGlob("/var/log/*/x.log").BaseDirectory);
        Assert.Equal("/var/log/app", new PathGlob("/var/log/app/**").BaseDirectory);
        Assert.Equal("/var/app", new PathGlob("/var/log/../app/*.log").BaseDirectory);
    }

    [Fact]
    public void ContainsOnlyPathsStrictlyBelowTheBaseDirectory()
    {
        var glob = new PathGlob("/var/log/app/*.log");

        Assert.True(glob.Contains("/var/log/app/a.log"));
        Assert.True(glob.Contains("/var/log/app/x/a.log"));
        Assert.False(glob.Contains("/var/log/app"));
        Assert.False(glob.Contains("/var/log/application/a.log"));
        Assert.False(glob.Contains("/etc/passwd"));
    }

    [Fact]
    public void EnumeratesRealFilesAndSkipsDirectories()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("a.log"), "");
        File.WriteAllText(dir.File("b.txt"), "");
        Directory.CreateDirectory(dir.File("c.log"));
        Directory.CreateDirectory(dir.File("sub"));
        File.WriteAllText(dir.File("sub/d.log"), "");

        Assert.Equal([dir.File("a.log")], WalkRecorder.Walk(dir.File("*.log")).Found.Files.Order());
        Assert.Equal([dir.File("a.log"), dir.File("sub/d.log")], WalkRecorder.Walk(dir.File("**/*.log")).Found.Files.Order());
        Assert.Equal([dir.File("a.log"), dir.File("b.txt"), dir.File("sub/d.log")], WalkRecorder.Walk(dir.File("**")).Found.Files.Order());
        Assert.Equal(WalkOutcome.NoDirectory, WalkRecorder.Walk(dir.File("missing/*.log")).Result.Outcome);
    }
}
