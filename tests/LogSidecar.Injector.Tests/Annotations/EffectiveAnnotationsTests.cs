using LogSidecar.Contracts.Configuration;
using LogSidecar.Injector.Annotations;
using LogSidecar.Injector.Configuration;

namespace LogSidecar.Injector.Tests.Annotations;

/// <summary>Namespace annotations as defaults: pod &gt; namespace &gt; injector configuration, and bad namespace values reported under their own name.</summary>
public sealed class EffectiveAnnotationsTests
{
    private static readonly AnnotationDefaults Defaults = new InjectorOptions { AllowedImages = ["registry.example/logsidecar:*"] }.ToAnnotationDefaults();

    private static AnnotationParseResult Parse(Dictionary<string, string> pod, Dictionary<string, string> ns) =>
        PodAnnotationParser.Parse(pod, labels: null, Defaults, NamespaceDefaults.From("shop", ns));

    [Fact]
    public void ThePodsValueWinsOverItsNamespacesWhichWinsOverTheConfiguration()
    {
        var result = Parse(
            new() { [AnnotationKeys.Cpu] = "200m" },
            new() { [AnnotationKeys.Cpu] = "100m", [AnnotationKeys.Memory] = "128Mi", ["team.example/owner"] = "shop" });

        Assert.Empty(result.Warnings);
        Assert.Equal("200m", result.Settings!.Cpu);
        Assert.Equal("128Mi", result.Settings.Memory);
        Assert.Equal("/var/log/app", result.Settings.MountPath);
        Assert.Equal(ValueSource.Pod, result.Sources[AnnotationKeys.Cpu]);
        Assert.Equal(ValueSource.Namespace, result.Sources[AnnotationKeys.Memory]);
        Assert.False(result.Sources.ContainsKey(AnnotationKeys.MountPath));
        Assert.False(result.Sources.ContainsKey("team.example/owner"));
    }

    [Fact]
    public void ABadNamespaceValueIsWarnedAboutAsOnAPodButUnderTheNamespaceAnnotation()
    {
        var onNamespace = Parse([], new() { [AnnotationKeys.Cpu] = "lots" });
        var onPod = Parse(new() { [AnnotationKeys.Cpu] = "lots" }, []);

        var warning = Assert.Single(onNamespace.Warnings);
        Assert.Equal("namespace shop annotation " + Assert.Single(onPod.Warnings), warning);
        Assert.StartsWith("namespace shop annotation logsidecar.io/cpu: 'lots' is not a positive Kubernetes quantity", warning, StringComparison.Ordinal);
        Assert.Equal("50m", onNamespace.Settings!.Cpu);
        Assert.Contains(AnnotationKeys.Cpu, onNamespace.Ignored);
    }

    [Fact]
    public void ANamespaceValueThatWouldBreakThePodDeniesItNamingTheNamespaceAnnotation()
    {
        var result = Parse([], new() { [AnnotationKeys.MountPath] = "relative" });

        Assert.True(result.IsDenied);
        Assert.StartsWith("namespace shop annotation logsidecar.io/mount-path: 'relative' is not absolute", Assert.Single(result.Denials), StringComparison.Ordinal);
    }

    [Fact]
    public void APodThatChoosesItsFilesGetsNoneOfItsNamespacesStreams()
    {
        var result = Parse(
            new() { [AnnotationKeys.Paths] = "access.log" },
            new() { [AnnotationKeys.Config] = """{"streams":[{"name":"all","paths":["**/*.log"]}]}""" });

        Assert.Empty(result.Warnings);
        Assert.Equal(["/var/log/app/access.log"], Assert.Single(result.Settings!.Config.Streams).Paths);
        Assert.False(result.Sources.ContainsKey(AnnotationKeys.Config));
    }

    [Fact]
    public void ANamespaceBackendIsUsedByThePodsThatShipAndIgnoredSilentlyByTheOthers()
    {
        var backend = new Dictionary<string, string>
        {
            [AnnotationKeys.Sink] = "loki",
            [AnnotationKeys.Endpoint] = "http://loki.logging:3100",
        };

        var shipping = Parse(new() { [AnnotationKeys.Mode] = "both" }, backend);
        var printing = Parse([], backend);

        Assert.Empty(shipping.Warnings);
        var sink = Assert.Single(shipping.Settings!.Config.Sinks);
        Assert.Equal(("loki", "http://loki.logging:3100"), (sink.Type, sink.Endpoint));
        Assert.Equal(ValueSource.Namespace, shipping.Sources[AnnotationKeys.Endpoint]);
        Assert.Empty(printing.Warnings);
        Assert.Empty(printing.Settings!.Config.Sinks);
    }

    [Fact]
    public void APodThatNamesItsOwnBackendTakesNoneOfItsNamespacesBackendKeys()
    {
        var result = Parse(
            new() { [AnnotationKeys.Mode] = "ship", [AnnotationKeys.Sink] = "otlp", [AnnotationKeys.Endpoint] = "http://collector:4318" },
            new() { [AnnotationKeys.Sink] = "elasticsearch", [AnnotationKeys.Endpoint] = "https://es:9200", [AnnotationKeys.Index] = "shop" });

        Assert.Empty(result.Warnings);
        var sink = Assert.Single(result.Settings!.Config.Sinks);
        Assert.Equal(("otlp", "http://collector:4318"), (sink.Type, sink.Endpoint));
        Assert.Equal(new SinkConfig().Index, sink.Index);
    }

    [Fact]
    public void NamespaceAnnotationsThatAreNoDefaultsAreWarnedAboutWithWhatToDoInstead()
    {
        var result = Parse([], new()
        {
            [AnnotationKeys.Inject] = "true",
            [AnnotationKeys.Injection] = "enabled",
            ["logsidecar.io/memroy"] = "1Gi",
        });

        Assert.Equal(
        [
            "namespace shop annotation logsidecar.io/inject: is read from pods only; on a namespace use the label logsidecar.io/injection",
            "namespace shop annotation logsidecar.io/injection: is a label, not an annotation; turn injection on with kubectl label namespace shop logsidecar.io/injection=enabled",
            "namespace shop annotation logsidecar.io/memroy: unknown annotation was ignored; did you mean logsidecar.io/memory?",
        ],
            result.Warnings);
        Assert.Equal("64Mi", result.Settings!.Memory);
    }
}
