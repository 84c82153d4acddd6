using LogSidecar.Contracts.Configuration;
using LogSidecar.Injector.Annotations;
using LogSidecar.Injector.Configuration;
using LogSidecar.Injector.Mutation;

namespace LogSidecar.Injector.Tests.Mutation;

public sealed class ConfigRendererTests
{
    [Fact]
    public void WhatTheInjectorRendersRoundTripsThroughTheSidecarsReaderAndValidator()
    {
        var parsed = PodAnnotationParser.Parse(
            new Dictionary<string, string>
            {
                [AnnotationKeys.Config] = """{"streams":[{"name":"access","paths":["access*.log"]},{"name":"errors","paths":["error.log"],"exclude":["*.gz"],"startAt":"tail"}]}""",
            },
            labels: null,
            new InjectorOptions().ToAnnotationDefaults());
        var intended = parsed.Settings!.Config with { Metrics = new MetricsConfig { Address = "0.0.0.0" } };

        var rendered = ConfigRenderer.Render(intended);
        var read = SidecarConfigReader.Parse(rendered, "LOGSIDECAR_CONFIG", out var error);

        Assert.Null(error);
        Assert.Empty(SidecarConfigValidator.Validate(read!));
        Assert.Equal(SidecarConfigReader.Write(intended), SidecarConfigReader.Write(read!));
    }

    [Fact]
    public void FieldsEqualToTheSidecarsDefaultsAreLeftOutButTheMetricsEndpointIsWrittenWhole()
    {
        var config = new SidecarConfig
        {
            Streams = [new StreamConfig { Name = "app", Paths = ["/var/log/app/*.log"] }],
            Metrics = new MetricsConfig { Address = "127.0.0.1" },
        };

        Assert.Equal("""{"streams":[{"name":"app","paths":["/var/log/app/*.log"]}],"metrics":{"port":2020,"address":"127.0.0.1"}}""", ConfigRenderer.Render(config));
    }
}
