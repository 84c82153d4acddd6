using LogSidecar.Injector.Hosting;

namespace LogSidecar.Injector.Tests.Hosting;

public sealed class InjectorOptionsValidatorTests
{
    [Fact]
    public void DefaultsAreValidForTheOfflineCommand() =>
        Assert.Empty(InjectorOptionsValidator.Validate(new InjectorOptions(), serving: false));

    [Fact]
    public void EveryProblemIsReportedAtOnce()
    {
        var options = new InjectorOptions
        {
            Image = "",
            ImagePullPolicy = "Sometimes",
            Native = "perhaps",
            KubernetesVersion = "latest",
            MountPath = "logs",
            VolumeSizeLimit = "big",
            Cpu = "2",
            MaxCpu = "1",
            ListenAddress = "localhost",
            TlsCertFile = "missing.crt",
            TlsKeyFile = "missing.key",
        };

        var errors = InjectorOptionsValidator.Validate(options, serving: true);

        string[] fields = ["image", "imagePullPolicy", "native", "kubernetesVersion", "mountPath", "volumeSizeLimit", "cpu", "listenAddress", "tlsCertFile", "tlsKeyFile"];
        Assert.All(fields, field => Assert.Contains(errors, e => e.StartsWith(field + ":", StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData("auto", "1.28", false)]
    [InlineData("auto", "v1.29.3", true)]
    [InlineData("auto", null, false)]
    [InlineData("always", "1.20", true)]
    [InlineData("never", "1.31", false)]
    public void NativeSidecarsFollowTheModeAndTheKubernetesVersion(string mode, string? version, bool native) =>
        Assert.Equal(native, InjectorOptionsLoader.NativeByDefault(new InjectorOptions { Native = mode, KubernetesVersion = version }, discovered: null));
}
