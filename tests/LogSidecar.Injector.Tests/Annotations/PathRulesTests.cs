using LogSidecar.Injector.Annotations;

namespace LogSidecar.Injector.Tests.Annotations;

public sealed class PathRulesTests
{
    [Theory]
    [InlineData("/app", "the sidecar's program")]
    [InlineData("/app/logsidecar", "inside /app/logsidecar")]
    [InlineData("/run", "inside /run")]
    [InlineData("/var/run", "inside /var/run")]
    [InlineData("/var/run/secrets/kubernetes.io/serviceaccount", "inside /var/run")]
    [InlineData("/var", "what the images keep there")]
    [InlineData("/lib64", "inside /lib64")]
    [InlineData("/root", "what the images keep there")]
    [InlineData("/home/", "what the images keep there")]
    [InlineData("/usr/local/logs", "inside /usr")]
    [InlineData("/var/log/app\n/etc", "control character")]
    [InlineData("/var/log/app\u0000", "control character")]
    [InlineData("/", "whole filesystem")]
    [InlineData("logs", "not absolute")]
    [InlineData("/var/log/../../etc", "not a normalized path")]
    public void AMountPathThatWouldShadowTheImageOrTheSystemIsRefusedWithWhy(string path, string why) =>
        Assert.Contains(why, PathRules.CheckMountPath(path), StringComparison.Ordinal);

    [Theory]
    [InlineData("/var/log/app")]
    [InlineData("/app/logs")]
    [InlineData("/logs")]
    [InlineData("/var/log")]
    [InlineData("/home/app/logs")]
    [InlineData("/opt/app/log")]
    [InlineData("/tmp/logs")]
    public void ADedicatedDirectoryIsAccepted(string path) => Assert.Null(PathRules.CheckMountPath(path));

    [Fact]
    public void ATooLongMountPathIsRefusedAndEchoedCut()
    {
        var problem = PathRules.CheckMountPath("/" + new string('a', 5000));

        Assert.Contains("longer than 256", problem, StringComparison.Ordinal);
        Assert.True(problem!.Length < 300, problem);
    }

    [Theory]
    [InlineData("app\n.log", "control character")]
    [InlineData("../x.log", "'..' segments")]
    public void AGlobWithAControlCharacterOrAnEscapeIsRefused(string glob, string why)
    {
        Assert.Null(PathRules.ResolveGlob(glob, "/var/log/app", out var problem));
        Assert.Contains(why, problem, StringComparison.Ordinal);
    }
}
