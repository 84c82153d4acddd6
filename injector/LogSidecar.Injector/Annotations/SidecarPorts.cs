using System.Net;
using LogSidecar.Contracts.Configuration;

namespace LogSidecar.Injector.Annotations;

/// <summary>The port and address of the sidecar's /metrics, /healthz and /readyz, and the rules for choosing them.</summary>
internal static class SidecarPorts
{
    /// <summary>Lowest port the sidecar can bind: it runs without privileges (every capability dropped).</summary>
    public const int MinPort = 1024;

    public const int MaxPort = 65535;

    /// <summary>
    /// Name of the port on the sidecar container, for a PodMonitor or a Service to select: an
    /// IANA service name, which Kubernetes limits to 15 characters.
    /// </summary>
    public const string PortName = "logsidecar-prom";

    /// <summary>The sidecar's own default port, used whenever no container of the pod declares it.</summary>
    public static readonly int DefaultPort = new MetricsConfig().Port;

    /// <summary>Every address of an ordinary pod: the kubelet's probes and Prometheus reach the pod IP.</summary>
    public const string AllAddresses = "0.0.0.0";

    /// <summary>The default on hostNetwork pods, whose addresses are the node's.</summary>
    public const string Loopback = "127.0.0.1";

    /// <summary>
    /// The default port if it is free, else the next free one above it, wrapping to <see cref="MinPort"/>;
    /// null only when every unprivileged port is taken.
    /// </summary>
    public static int? FirstFree(IReadOnlyDictionary<int, string> taken)
    {
        for (var i = 0; i <= MaxPort - MinPort; i++)
        {
            var port = MinPort + ((DefaultPort - MinPort + i) % (MaxPort - MinPort + 1));
            if (!taken.ContainsKey(port))
            {
                return port;
            }
        }

        return null;
    }

    /// <summary>True for 0.0.0.0 and ::, which bind every address.</summary>
    public static bool IsWildcard(string address) =>
        IPAddress.TryParse(address, out var ip) && (ip.Equals(IPAddress.Any) || ip.Equals(IPAddress.IPv6Any));

    /// <summary>True for 127.0.0.1 and ::1.</summary>
    public static bool IsLoopback(string address) => IPAddress.TryParse(address, out var ip) && IPAddress.IsLoopback(ip);
}
