using LogSidecar.Injector.Configuration;
using LogSidecar.Injector.Hosting;

namespace LogSidecar.Injector.Tests.Configuration;

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

    [Fact]
    public void EverySelfSignedProblemIsReportedAtOnce()
    {
        var options = new InjectorOptions
        {
            InjectorNamespace = null,
            TlsCertFile = "no-such-folder/tls.crt",
            TlsKeyFile = "no-such-folder/tls.key",
            SelfSigned = new SelfSignedOptions
            {
                Enabled = true,
                SecretName = "Bad_Name",
                WebhookConfigurationName = "",
                ServiceName = "svc.with.dots",
                ValidityDays = 1,
                RenewBeforeDays = 5,
            },
        };

        var errors = InjectorOptionsValidator.Validate(options, serving: true);

        string[] fields = ["selfSigned.secretName", "selfSigned.webhookConfigurationName", "selfSigned.serviceName", "selfSigned.validityDays", "selfSigned.renewBeforeDays", "selfSigned.enabled", "tlsCertFile", "tlsKeyFile"];
        Assert.All(fields, field => Assert.Contains(errors, e => e.StartsWith(field + ":", StringComparison.Ordinal)));
        Assert.Contains(errors, e => e.Contains("POD_NAMESPACE", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("emptyDir", StringComparison.Ordinal));
    }

    [Fact]
    public void WithSelfSignedTheCertificateFilesNeedNotExistYet()
    {
        using var folder = new TempDirectory();
        var options = new InjectorOptions
        {
            InjectorNamespace = "logsidecar-system",
            TlsCertFile = folder.File("tls.crt"),
            TlsKeyFile = folder.File("tls.key"),
            SelfSigned = new SelfSignedOptions { Enabled = true },
        };

        Assert.Empty(InjectorOptionsValidator.Validate(options, serving: true));
    }

    [Fact]
    public void AWebhookCalledByUrlIsReadFromTheConfigurationFileAndAServiceNameBesideItIsRefused()
    {
        using var folder = new TempDirectory();
        File.WriteAllText(folder.File("config.json"), """{ "controller": { "webhookByUrl": true } }""");
        var errors = new List<string>();

        var options = InjectorOptionsLoader.Load(new CommandLine { ConfigFile = folder.File("config.json") }, _ => null, errors)!;

        Assert.Empty(errors);
        Assert.True(options.Controller.WebhookByUrl);
        options.Controller.WebhookServiceName = "logsidecar-injector";
        var refused = Assert.Single(InjectorOptionsValidator.Validate(options, serving: false));
        Assert.StartsWith("controller.webhookServiceName:", refused, StringComparison.Ordinal);
        Assert.Contains("leave webhookServiceName out, or set webhookByUrl to false", refused, StringComparison.Ordinal);
    }

    [Fact]
    public void TheSelfSignedKeysAreReadFromTheConfigurationFile()
    {
        using var folder = new TempDirectory();
        File.WriteAllText(folder.File("config.json"), """
            {
              "injectorNamespace": "logging",
              "selfSigned": { "enabled": true, "secretName": "tls", "webhookConfigurationName": "hook", "serviceName": "svc", "validityDays": 90, "renewBeforeDays": 10 }
            }
            """);
        var errors = new List<string>();

        var options = InjectorOptionsLoader.Load(new CommandLine { ConfigFile = folder.File("config.json") }, _ => null, errors)!;

        Assert.Empty(errors);
        Assert.Equal(new SelfSignedOptions { Enabled = true, SecretName = "tls", WebhookConfigurationName = "hook", ServiceName = "svc", ValidityDays = 90, RenewBeforeDays = 10 }, options.SelfSigned);
    }

    [Fact]
    public void NullsInTheConfigurationFileAreEachReportedAtOnceInsteadOfACrash()
    {
        using var folder = new TempDirectory();
        File.WriteAllText(folder.File("config.json"), """
            {
              "image": null, "imagePullPolicy": null, "allowedImages": null, "native": null, "mountPath": null,
              "volumeSizeLimit": null, "cpu": null, "memory": null, "maxCpu": null, "maxMemory": null,
              "excludedNamespaces": null, "listenAddress": null, "tlsCertFile": null, "tlsKeyFile": null,
              "selfSigned": { "secretName": null, "webhookConfigurationName": null, "serviceName": null }
            }
            """);
        var errors = new List<string>();
        var options = InjectorOptionsLoader.Load(new CommandLine { ConfigFile = folder.File("config.json") }, _ => null, errors)!;

        errors.AddRange(InjectorOptionsValidator.Validate(options, serving: true));

        string[] fields =
        [
            "image", "imagePullPolicy", "allowedImages", "native", "mountPath", "volumeSizeLimit", "cpu", "memory", "maxCpu", "maxMemory",
            "excludedNamespaces", "listenAddress", "tlsCertFile", "tlsKeyFile", "selfSigned.secretName", "selfSigned.webhookConfigurationName", "selfSigned.serviceName",
        ];
        Assert.All(fields, field => Assert.Contains(errors, e => e.StartsWith(field + ":", StringComparison.Ordinal)));
        Assert.Contains("excludedNamespaces: is null; give a list of namespaces never injected, or [] for none", errors);
    }

    [Fact]
    public void NullEntriesAndBadPatternsInTheListsAreReported()
    {
        var options = new InjectorOptions
        {
            AllowedImages = ["registry.example/logsidecar:*", null!, "registry example/*"],
            ExcludedNamespaces = ["kube-system", null!, "Not_A_Namespace"],
        };

        var errors = InjectorOptionsValidator.Validate(options, serving: false);

        Assert.Contains(errors, e => e.StartsWith("allowedImages[1]: is empty", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("allowedImages[2]: 'registry example/*' is not an image pattern", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("excludedNamespaces[1]: null", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("excludedNamespaces[2]: 'Not_A_Namespace'", StringComparison.Ordinal));
        Assert.Equal(4, errors.Count);
    }

    [Theory]
    [InlineData("8Mi", "16Mi")]
    [InlineData("1m", "10m")]
    public void ADefaultBelowTheFloorThatAnnotationsHaveIsRefused(string value, string floor)
    {
        var options = value.EndsWith("Mi", StringComparison.Ordinal) ? new InjectorOptions { Memory = value } : new InjectorOptions { Cpu = value };

        var error = Assert.Single(InjectorOptionsValidator.Validate(options, serving: false));

        Assert.Contains($"is below {floor}", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/app")]
    [InlineData("/var/run/logs")]
    [InlineData("/lib64")]
    public void TheDefaultMountPathFollowsTheRulesOfTheAnnotation(string mountPath) =>
        Assert.StartsWith("mountPath: ", Assert.Single(InjectorOptionsValidator.Validate(new InjectorOptions { MountPath = mountPath }, serving: false)), StringComparison.Ordinal);

    [Theory]
    [InlineData("""{"port": null}""", "port: wrong type: expected a whole number")]
    [InlineData("""{"allowedImages": "registry.example/*"}""", "allowedImages: wrong type: expected a list")]
    [InlineData("""{"imagePulPolicy": "Always"}""", "imagePulPolicy: unknown key")]
    public void AWrongTypeInTheFileNamesTheKeyAndWhatItShouldHold(string json, string message)
    {
        using var folder = new TempDirectory();
        File.WriteAllText(folder.File("config.json"), json);
        var errors = new List<string>();

        Assert.Null(InjectorOptionsLoader.Load(new CommandLine { ConfigFile = folder.File("config.json") }, _ => null, errors));

        Assert.Contains(message, Assert.Single(errors), StringComparison.Ordinal);
    }
}
