using k8s.Models;

namespace LogSidecar.Injector.Mutation;

/// <summary>
/// The ports a pod's containers use, so the sidecar never binds one of them (the containers of a pod
/// share one network namespace): declared container and host ports of the app and init containers,
/// and the numeric ports of their probes and lifecycle hooks, which name ports the app listens on
/// even when it does not declare them.
/// </summary>
internal static class PodPorts
{
    /// <summary>Port to a description such as <c>container 'web' declares containerPort 8080</c>.</summary>
    public static Dictionary<int, string> Taken(V1PodSpec spec)
    {
        var taken = new Dictionary<int, string>();
        foreach (var (container, kind) in (spec.Containers ?? []).Select(c => (c, "container"))
            .Concat((spec.InitContainers ?? []).Select(c => (c, "init container"))))
        {
            var who = $"{kind} '{container.Name}'";
            foreach (var port in container.Ports ?? [])
            {
                taken.TryAdd(port.ContainerPort, $"{who} declares containerPort {port.ContainerPort}");
                if (port.HostPort is { } hostPort and > 0)
                {
                    taken.TryAdd(hostPort, $"{who} declares hostPort {hostPort}");
                }
            }

            foreach (var (probe, name) in new[] { (container.LivenessProbe, "livenessProbe"), (container.ReadinessProbe, "readinessProbe"), (container.StartupProbe, "startupProbe") })
            {
                Add(taken, probe?.HttpGet?.Port, $"{who} probes port {{0}} ({name})");
                Add(taken, probe?.TcpSocket?.Port, $"{who} probes port {{0}} ({name})");
                if (probe?.Grpc?.Port is { } grpc)
                {
                    taken.TryAdd(grpc, $"{who} probes port {grpc} ({name})");
                }
            }

            Add(taken, container.Lifecycle?.PostStart?.HttpGet?.Port, $"{who} calls port {{0}} (postStart)");
            Add(taken, container.Lifecycle?.PreStop?.HttpGet?.Port, $"{who} calls port {{0}} (preStop)");
        }

        return taken;
    }

    /// <summary>Names of the ports declared anywhere in the pod (Kubernetes wants them unique in the pod).</summary>
    public static HashSet<string> Names(V1PodSpec spec) =>
        [.. (spec.Containers ?? []).Concat(spec.InitContainers ?? []).SelectMany(c => c.Ports ?? []).Select(p => p.Name).OfType<string>()];

    // A probe's port is a number or the name of a declared port (already counted).
    private static void Add(Dictionary<int, string> taken, IntOrString? port, string format)
    {
        if (port?.Value is { } text && int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var number))
        {
            taken.TryAdd(number, string.Format(System.Globalization.CultureInfo.InvariantCulture, format, number));
        }
    }
}
