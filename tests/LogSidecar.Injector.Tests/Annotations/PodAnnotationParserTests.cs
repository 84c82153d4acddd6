using LogSidecar.Contracts.Configuration;
using LogSidecar.Injector.Annotations;
using LogSidecar.Injector.Configuration;

namespace LogSidecar.Injector.Tests.Annotations;

public sealed class PodAnnotationParserTests
{
    private static readonly AnnotationDefaults Defaults = new InjectorOptions { AllowedImages = ["registry.example/logsidecar:*"] }.ToAnnotationDefaults();

    private static AnnotationParseResult Parse(params (string Key, string Value)[] annotations) =>
        PodAnnotationParser.Parse(annotations.ToDictionary(a => a.Key, a => a.Value), labels: null, Defaults);

    [Fact]
    public void NoAnnotationsTailStarDotLogUnderTheDefaultMountWithAConfigTheSidecarAccepts()
    {
        var result = Parse();

        Assert.False(result.IsDenied);
        Assert.Empty(result.Warnings);
        var settings = result.Settings!;
        Assert.Equal("/var/log/app", settings.MountPath);
        Assert.Equal(["/var/log/app/*.log"], Assert.Single(settings.Config.Streams).Paths);
        Assert.Empty(SidecarConfigValidator.Validate(settings.Config));
        Assert.Equal("50m", settings.Cpu);
        Assert.Equal("64Mi", settings.Memory);
        Assert.Null(settings.Containers);
    }

    [Fact]
    public void RelativeGlobsAreTakenUnderTheMountPathAndAbsoluteOnesInsideItAreKept()
    {
        var result = Parse((AnnotationKeys.MountPath, "/logs/"), (AnnotationKeys.Paths, "a.log, nested/**/*.log ,/logs/b.log"));

        Assert.Equal(["/logs/a.log", "/logs/nested/**/*.log", "/logs/b.log"], result.Settings!.Config.Streams[0].Paths);
        Assert.Equal("/logs", result.Settings.MountPath);
        Assert.Contains(AnnotationKeys.Paths, result.Applied);
        Assert.Contains(AnnotationKeys.MountPath, result.Applied);
    }

    [Theory]
    [InlineData("/tmp/*.log", "outside the shared volume")]
    [InlineData("../etc/*.log", "'..' segments")]
    public void AGlobTheSidecarCouldNeverSeeIsDenied(string glob, string message)
    {
        var result = Parse((AnnotationKeys.Paths, glob));

        Assert.True(result.IsDenied);
        Assert.Null(result.Settings);
        Assert.Contains(result.Denials, d => d.StartsWith(AnnotationKeys.Paths, StringComparison.Ordinal) && d.Contains(message, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("relative/dir")]
    [InlineData("/")]
    [InlineData("/proc/logs")]
    [InlineData("/var/../etc")]
    public void AMountPathThatWouldBreakTheContainerIsDenied(string mountPath)
    {
        var result = Parse((AnnotationKeys.MountPath, mountPath));

        Assert.Contains(result.Denials, d => d.StartsWith(AnnotationKeys.MountPath, StringComparison.Ordinal));
    }

    [Fact]
    public void AnUnknownKeyIsWarnedAboutWithTheNearestKnownKey()
    {
        var result = Parse(("logsidecar.io/mulitline", "java"), ("example.com/other", "x"));

        Assert.False(result.IsDenied);
        Assert.Equal(["logsidecar.io/mulitline: unknown annotation was ignored; did you mean logsidecar.io/multiline?"], result.Warnings);
        Assert.Equal(["logsidecar.io/mulitline"], result.Ignored);
    }

    [Theory]
    [InlineData("3", "1")]
    [InlineData("1500m", "1")]
    [InlineData("1m", "10m")]
    [InlineData("half", "50m")]
    [InlineData("250m", "250m")]
    public void CpuIsCappedAndBadValuesFallBackToTheDefault(string requested, string expected)
    {
        var result = Parse((AnnotationKeys.Cpu, requested));

        Assert.Equal(expected, result.Settings!.Cpu);
        Assert.Equal(requested == expected, result.Warnings.Count == 0);
    }

    [Fact]
    public void ShippingWithoutABackendIsDeniedWithWhatToAdd()
    {
        var result = Parse((AnnotationKeys.Mode, "ship"));

        Assert.Contains(result.Denials, d => d.Contains(AnnotationKeys.Sink, StringComparison.Ordinal));
        Assert.Contains(result.Denials, d => d.Contains(AnnotationKeys.Endpoint, StringComparison.Ordinal));
    }

    [Fact]
    public void EveryKnobIsAppliedIncludingTheBackendWhichBecomesTheSidecarsSink()
    {
        var result = Parse(
            (AnnotationKeys.Format, "regex"),
            (AnnotationKeys.Regex, @"^(?<level>\w+) (?<message>.*)$"),
            (AnnotationKeys.Multiline, "python"),
            (AnnotationKeys.Mode, "both"),
            (AnnotationKeys.Sink, "elasticsearch"),
            (AnnotationKeys.Endpoint, "https://elasticsearch.logging:9200"),
            (AnnotationKeys.Index, "app-%Y.%m.%d"),
            (AnnotationKeys.Secret, "es-credentials"));

        Assert.False(result.IsDenied, string.Join("; ", result.Denials));
        Assert.Empty(result.Warnings);
        Assert.Equal("es-credentials", result.Settings!.Secret);
        var config = result.Settings.Config;
        Assert.Equal("both", config.Mode);
        var sink = Assert.Single(config.Sinks);
        Assert.Equal(("elasticsearch", "https://elasticsearch.logging:9200", "app-%Y.%m.%d", SidecarPaths.CredentialsDir), (sink.Type, sink.Endpoint, sink.Index, sink.CredentialsDir));
        Assert.Empty(SidecarConfigValidator.Validate(config));

        var stream = Assert.Single(config.Streams);
        Assert.Equal("regex", stream.Format);
        Assert.Equal(@"^(?<level>\w+) (?<message>.*)$", stream.Regex);
        Assert.All(new[] { AnnotationKeys.Format, AnnotationKeys.Regex, AnnotationKeys.Multiline, AnnotationKeys.Mode, AnnotationKeys.Sink, AnnotationKeys.Endpoint, AnnotationKeys.Index, AnnotationKeys.Secret }, key =>
            Assert.Contains(key, result.Applied));
    }

    [Fact]
    public void AStreamInTheConfigAnnotationCanStayOnStdoutWhileThePodShips()
    {
        var result = Parse(
            (AnnotationKeys.Config, """{"streams":[{"name":"audit","paths":["audit.log"]},{"name":"debug","paths":["debug.log"],"mode":"stdout"}]}"""),
            (AnnotationKeys.Mode, "ship"),
            (AnnotationKeys.Sink, "loki"),
            (AnnotationKeys.Endpoint, "http://loki.logging:3100"));

        Assert.False(result.IsDenied, string.Join("; ", result.Denials));
        var config = result.Settings!.Config;
        Assert.Equal(["ship", "stdout"], config.Streams.Select(stream => DeliveryRoutes.ModeOf(config, stream)));
        Assert.Equal("loki", Assert.Single(config.Sinks).Type);
    }

    [Theory]
    [InlineData("java", "java", null)]
    [InlineData(@"^\d{4}-", null, @"^\d{4}-")]
    public void MultilineIsAPresetOrAFirstLineRegexAndIsApplied(string value, string? preset, string? firstLine)
    {
        var result = Parse((AnnotationKeys.Multiline, value));

        Assert.Empty(result.Warnings);
        var multiline = result.Settings!.Config.Streams[0].Multiline!;
        Assert.Equal(preset, multiline.Preset);
        Assert.Equal(firstLine, multiline.FirstLine);
        Assert.Empty(SidecarConfigValidator.Validate(result.Settings.Config));
    }

    [Fact]
    public void StreamsInTheConfigAnnotationInheritTheFormatAnnotationsUnlessTheySetTheirOwn()
    {
        var result = Parse(
            (AnnotationKeys.Format, "json"),
            (AnnotationKeys.Multiline, "go"),
            (AnnotationKeys.Config, """{"streams":[{"name":"a","paths":["a.log"]},{"name":"b","paths":["b.log"],"format":"logfmt","multiline":"java"}]}"""));

        var streams = result.Settings!.Config.Streams;
        Assert.Equal(("json", "go"), (streams[0].Format, streams[0].Multiline!.Preset));
        Assert.Equal(("logfmt", "java"), (streams[1].Format, streams[1].Multiline!.Preset));
    }

    [Theory]
    [InlineData("{not json", "not valid JSON")]
    [InlineData("{\"streams\":[]}", "non-empty \"streams\"")]
    [InlineData("{\"streams\":[{\"name\":\"Bad Name\",\"paths\":[\"*.log\"]}]}", "streams[0].name")]
    [InlineData("{\"streams\":[{\"name\":\"a\",\"paths\":7}]}", "must be an array of strings")]
    public void AConfigAnnotationTheSidecarWouldRejectIsDenied(string json, string message)
    {
        var result = Parse((AnnotationKeys.Config, json));

        Assert.Contains(result.Denials, d => d.StartsWith(AnnotationKeys.Config, StringComparison.Ordinal) && d.Contains(message, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("registry.example/logsidecar:0.2.0", true)]
    [InlineData("registry.example/logsidecar-evil:1", false)]
    [InlineData("docker.io/logsidecar:1", false)]
    public void AnImageOverrideIsAcceptedOnlyFromTheAllowList(string image, bool accepted)
    {
        var result = Parse((AnnotationKeys.Image, image));

        Assert.Equal(accepted ? image : null, result.Settings!.Image);
        Assert.Equal(accepted, result.Warnings.Count == 0);
    }

    [Theory]
    [InlineData("true", "true", true)]
    [InlineData("false", "true", false)]
    [InlineData("maybe", "true", true)]
    [InlineData(null, "FALSE", false)]
    [InlineData(null, null, null)]
    public void TheInjectLabelWinsOverTheAnnotationAndBadValuesAreWarnedAbout(string? label, string? annotation, bool? expected)
    {
        var warnings = new List<string>();
        var labels = label is null ? null : new Dictionary<string, string> { [AnnotationKeys.Inject] = label };
        var annotations = annotation is null ? null : new Dictionary<string, string> { [AnnotationKeys.Inject] = annotation };

        Assert.Equal(expected, InjectFlag.Read(labels, annotations, warnings));
        Assert.Equal(label == "maybe", warnings.Count == 1);
    }

    [Theory]
    [InlineData("80", "from 1024 to 65535")]
    [InlineData("70000", "from 1024 to 65535")]
    [InlineData("0x7e4", "from 1024 to 65535")]
    [InlineData("-1", "from 1024 to 65535")]
    public void AMetricsPortTheSidecarCannotBindIsDenied(string port, string message) =>
        Assert.Contains(Parse((AnnotationKeys.MetricsPort, port)).Denials, d => d.StartsWith(AnnotationKeys.MetricsPort, StringComparison.Ordinal) && d.Contains(message, StringComparison.Ordinal));

    [Theory]
    [InlineData("10.1.2.3")]
    [InlineData("localhost")]
    [InlineData("fe80::1%eth0")]
    public void AMetricsAddressOtherThanAllOrLoopbackIsDenied(string address) =>
        Assert.Contains(Parse((AnnotationKeys.MetricsAddress, address)).Denials, d => d.StartsWith(AnnotationKeys.MetricsAddress, StringComparison.Ordinal));

    [Theory]
    [InlineData("0.0.0.0")]
    [InlineData("::")]
    [InlineData("127.0.0.1")]
    [InlineData("::1")]
    public void AMetricsAddressForAllOrLoopbackIsApplied(string address)
    {
        var result = Parse((AnnotationKeys.MetricsAddress, address));

        Assert.Equal(address, result.Settings!.MetricsAddress);
        Assert.Contains(AnnotationKeys.MetricsAddress, result.Applied);
    }
}
