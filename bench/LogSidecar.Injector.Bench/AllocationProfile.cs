using System.Globalization;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using LogSidecar.Contracts.Configuration;
using LogSidecar.Injector.Admission;
using LogSidecar.Injector.Annotations;
using LogSidecar.Injector.Configuration;
using LogSidecar.Injector.Diagnostics;
using LogSidecar.Injector.Mutation;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;

namespace LogSidecar.Injector.Bench;

/// <summary>
/// Bytes allocated per admission request, in process and without sockets, for the whole handler and for the
/// stages of <see cref="PodInjector.Inject"/>: the garbage the latency runs pay for in GC pauses. Averages over
/// many calls on one thread after a warm-up; deterministic, unlike the latencies.
/// </summary>
internal static class AllocationProfile
{
    private const int Iterations = 2000;

    public static IEnumerable<string> Run(InjectorOptions options, PodInjector injector, byte[] review, JsonObject pod)
    {
        var metrics = new InjectorMetrics();
        using var gate = new AdmissionGate(options.MaxConcurrentReviews, options.MaxQueuedReviews, TimeProvider.System, metrics);
        var handler = new AdmissionHandler(injector, metrics, gate, options.MaxRequestBytes, TimeProvider.System, NullLogger<AdmissionHandler>.Instance);
        yield return Line("AdmissionHandler (whole request)", Measure(() => HandleOnce(handler, review)));
        yield return Line("PodInjector.Inject", Measure(() => injector.Inject(pod.DeepClone().AsObject(), new InjectionRequest("shop", EnablementMode.NamespaceEnabled))));

        var podText = pod.ToJsonString();
        yield return Line("  stage: V1Pod from JSON", Measure(() => KubernetesJson.Deserialize<V1Pod>(podText)));
        var typed = KubernetesJson.Deserialize<V1Pod>(podText);
        var annotations = new Dictionary<string, string>(typed.Metadata.Annotations);
        var labels = new Dictionary<string, string>(typed.Metadata.Labels);
        var defaults = options.ToAnnotationDefaults();
        yield return Line("  stage: PodAnnotationParser (contracts)", Measure(() => PodAnnotationParser.Parse(annotations, labels, defaults)));
        var config = PodAnnotationParser.Parse(annotations, labels, defaults).Settings!.Config with { Metrics = new MetricsConfig { Address = "0.0.0.0" } };
        yield return Line("  stage: ConfigRenderer", Measure(() => ConfigRenderer.Render(config)));
        var spec = new SidecarSpec
        {
            Name = SidecarNames.Container,
            Image = options.Image,
            ImagePullPolicy = options.ImagePullPolicy,
            ConfigJson = ConfigRenderer.Render(config),
            VolumeName = SidecarNames.Volume,
            MountPath = options.MountPath,
            Cpu = options.Cpu,
            Memory = options.Memory,
            Native = true,
            MetricsPort = config.Metrics.Port,
            MetricsAddress = config.Metrics.Address,
            HostNetwork = false,
            TokenShadowVolume = SidecarNames.TokenShadowVolume,
        };
        yield return Line("  stage: SidecarContainerFactory", Measure(() => SidecarContainerFactory.Create(spec)));
    }

    private static void HandleOnce(AdmissionHandler handler, byte[] review)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = "POST";
        context.Request.ContentType = "application/json";
        context.Request.Body = new MemoryStream(review, writable: false);
        context.Response.Body = Stream.Null;
        // Memory streams complete synchronously, so this does not block on I/O.
        handler.HandleAsync(context, EnablementMode.NamespaceEnabled).GetAwaiter().GetResult();
    }

    private static double Measure(Action action)
    {
        for (var i = 0; i < 200; i++)
        {
            action();
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < Iterations; i++)
        {
            action();
        }

        return (GC.GetAllocatedBytesForCurrentThread() - before) / (double)Iterations;
    }

    private static string Line(string what, double bytes) => string.Create(CultureInfo.InvariantCulture, $"{what,-42} {bytes,8:N0} bytes/request");
}
