using LogSidecar.Injector.Annotations;

namespace LogSidecar.Injector.Tests.Annotations;

public sealed class ImageGlobTests
{
    [Theory]
    [InlineData("registry.example/logsidecar:*", "registry.example/logsidecar:0.2.0", true)]
    [InlineData("registry.example/logsidecar:*", "registry.example/logsidecar-evil:1", false)]
    [InlineData("*.corp.example/logsidecar:*", "mirror.corp.example/logsidecar:1", true)]
    [InlineData("*.corp.example/logsidecar:*", "attacker.io/x.corp.example/logsidecar:1", false)]
    [InlineData("registry.example/*/logsidecar:*", "registry.example/team/logsidecar:1", true)]
    [InlineData("registry.example/*/logsidecar:*", "registry.example/a/b/logsidecar:1", false)]
    [InlineData("registry.example/*/*:*-release", "registry.example/team/app:2.1-release", true)]
    [InlineData("registry.example/*/*:*-release", "registry.example/team/app:2.1-release-candidate", false)]
    [InlineData("registry.example/a*b*c:1", "registry.example/abbbc:1", true)]
    [InlineData("registry.example/a*b*c:1", "registry.example/acb:1", false)]
    [InlineData("registry.example/ab*ba:1", "registry.example/aba:1", false)]
    [InlineData("registry.example/logsidecar@sha256:*", "registry.example/logsidecar@sha256:0123456789abcdef0123456789abcdef", true)]
    public void AStarMatchesWithinOnePathSegmentOnly(string pattern, string image, bool matches) =>
        Assert.Equal(matches, ImageGlob.Matches(pattern, image));

    [Fact]
    public void AValueBuiltToMakeABacktrackingMatcherExplodeIsRefusedAfterOnePass()
    {
        // 6.4 KB with the shape that cost 44 s of CPU: each star can stop at every position, and the end never fits.
        var image = "registry.example/" + string.Concat(Enumerable.Repeat("a/", 3)) + new string('x', 3200) + ":" + string.Concat(Enumerable.Repeat("-releas", 450));

        Assert.False(ImageGlob.Matches("registry.example/*/*:*-release", image));
        Assert.False(ImageGlob.Matches("registry.example/*:*-*-*-*-*-*-*-*-*-*-release", "registry.example/x:" + string.Concat(Enumerable.Repeat("-", 6400))));
    }
}
