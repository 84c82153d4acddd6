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
    public void MatchesWithinAndAcrossSegments(string pattern, string path, bool expected) =>
        Assert.Equal(expected, new PathGlob(pattern).Matches(path));

    [Fact]
    public void BaseDirectoryIsTheLongestWildcardFreePrefix()
    {
        Assert.Equal("/var/log/app", new PathGlob("/var/log/app/*.log").BaseDirectory);
        Assert.Equal("/var/log", new PathGlob("/var/log/*/x.log").BaseDirectory);
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

        Assert.Equal([dir.File("a.log")], new PathGlob(dir.File("*.log")).Enumerate().Order());
        Assert.Equal([dir.File("a.log"), dir.File("sub/d.log")], new PathGlob(dir.File("**/*.log")).Enumerate().Order());
        Assert.Empty(new PathGlob(dir.File("missing/*.log")).Enumerate());
    }
}
