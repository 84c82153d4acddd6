using LogSidecar.Injector.Annotations;

namespace LogSidecar.Injector.Tests.Annotations;

public sealed class ImageReferenceTests
{
    [Theory]
    [InlineData("ghcr.io/logsidecar/logsidecar:0.1.0")]
    [InlineData("logsidecar")]
    [InlineData("localhost:5000/team/log_sidecar__x-y:v1.2_3")]
    [InlineData("[::1]:5000/logsidecar:1")]
    [InlineData("registry.example/logsidecar@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")]
    [InlineData("registry.example/logsidecar:1.0@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")]
    public void ReferencesOfTheDistributionGrammarAreAccepted(string image) => Assert.Null(ImageReference.Check(image));

    [Theory]
    [InlineData("registry.example/logsidecar:", "not an image reference")]
    [InlineData("registry.example/logsidecar:1\nforged: line", "control character")]
    [InlineData("registry.example/LogSidecar:1", "not an image reference")]
    [InlineData("registry.example/logsidecar:1 2", "space")]
    [InlineData("registry.example//logsidecar:1", "not an image reference")]
    [InlineData("registry.example/logsidecar@sha256:abc", "not an image reference")]
    [InlineData("", "is empty")]
    public void ABrokenReferenceIsNamedWithWhatIsWrong(string image, string problem) =>
        Assert.Contains(problem, ImageReference.Check(image), StringComparison.Ordinal);

    [Fact]
    public void ALongReferenceIsRefusedAndEchoedCut()
    {
        var problem = ImageReference.Check("registry.example/" + new string('a', 6400) + ":1");

        Assert.Contains("too long", problem, StringComparison.Ordinal);
        Assert.Contains("(6419 characters)", problem, StringComparison.Ordinal);
        Assert.True(problem!.Length < 300, problem);
    }

    [Theory]
    [InlineData("registry.example/logsidecar:*", true)]
    [InlineData("*.corp.example/*/logsidecar:*", true)]
    [InlineData("registry.example/logsidecar@sha256:*", true)]
    [InlineData("registry.example/logsidecar:* ", false)]
    [InlineData("", false)]
    [InlineData("Registry Example/*", false)]
    public void AnAllowListPatternIsAReferenceWithStars(string pattern, bool valid) =>
        Assert.Equal(valid, ImageReference.CheckPattern(pattern) is null);
}
