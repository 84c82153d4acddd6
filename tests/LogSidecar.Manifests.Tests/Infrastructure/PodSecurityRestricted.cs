using k8s.Models;

namespace LogSidecar.Manifests.Tests.Infrastructure;

/// <summary>
/// The Pod Security Standards <c>restricted</c> profile (which includes <c>baseline</c>), as the
/// pod-security admission controller checks a pod spec: returns every violation, empty when it passes.
/// </summary>
public static class PodSecurityRestricted
{
    // restricted: only these volume types.
    private static readonly string[] AllowedVolumeSources =
        ["configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "persistentVolumeClaim", "projected", "secret"];

    // baseline: sysctls that are safe to set.
    private static readonly HashSet<string> SafeSysctls =
    [
        "kernel.shm_rmid_forced", "net.ipv4.ip_local_port_range", "net.ipv4.ip_unprivileged_port_start",
        "net.ipv4.tcp_syncookies", "net.ipv4.ping_group_range", "net.ipv4.ip_local_reserved_ports",
        "net.ipv4.tcp_keepalive_time", "net.ipv4.tcp_fin_timeout", "net.ipv4.tcp_keepalive_intvl", "net.ipv4.tcp_keepalive_probes",
    ];

    public static IReadOnlyList<string> Violations(V1PodSpec pod)
    {
        var violations = new List<string>();
        if (pod.HostNetwork == true || pod.HostPID == true || pod.HostIPC == true)
        {
            violations.Add("pod: host namespaces (hostNetwork, hostPID, hostIPC) must not be used");
        }

        foreach (var volume in pod.Volumes ?? [])
        {
            if (volume.HostPath is not null)
            {
                violations.Add($"volume {volume.Name}: hostPath is forbidden");
            }
            else if (!AllowedVolumeSources.Any(source => HasSource(volume, source)))
            {
                violations.Add($"volume {volume.Name}: only {string.Join(", ", AllowedVolumeSources)} volumes are allowed");
            }
        }

        foreach (var sysctl in pod.SecurityContext?.Sysctls ?? [])
        {
            if (!SafeSysctls.Contains(sysctl.Name))
            {
                violations.Add($"pod: sysctl {sysctl.Name} is not in the safe set");
            }
        }

        var containers = (pod.InitContainers ?? []).Select(c => (c.Name, c.SecurityContext, c.Ports))
            .Concat((pod.Containers ?? []).Select(c => (c.Name, c.SecurityContext, c.Ports)))
            .Concat((pod.EphemeralContainers ?? []).Select(c => (c.Name, c.SecurityContext, c.Ports)));
        foreach (var (name, context, ports) in containers)
        {
            CheckContainer(name, context, ports, pod.SecurityContext, violations);
        }

        return violations;
    }

    private static void CheckContainer(string name, V1SecurityContext? context, IList<V1ContainerPort>? ports, V1PodSecurityContext? podContext, List<string> violations)
    {
        var at = $"container {name}";
        if (context?.Privileged == true)
        {
            violations.Add($"{at}: privileged is forbidden");
        }

        if (ports?.Any(port => port.HostPort is > 0) == true)
        {
            violations.Add($"{at}: hostPort is forbidden");
        }

        if (context?.AllowPrivilegeEscalation != false)
        {
            violations.Add($"{at}: allowPrivilegeEscalation must be false");
        }

        // Container settings override the pod's.
        if ((context?.RunAsNonRoot ?? podContext?.RunAsNonRoot) != true)
        {
            violations.Add($"{at}: runAsNonRoot must be true (container or pod)");
        }

        if ((context?.RunAsUser ?? podContext?.RunAsUser) == 0)
        {
            violations.Add($"{at}: runAsUser must not be 0");
        }

        var seccomp = context?.SeccompProfile?.Type ?? podContext?.SeccompProfile?.Type;
        if (seccomp is not ("RuntimeDefault" or "Localhost"))
        {
            violations.Add($"{at}: seccompProfile.type must be RuntimeDefault or Localhost (container or pod), not {seccomp ?? "unset"}");
        }

        if (context?.Capabilities?.Drop?.Contains("ALL") != true)
        {
            violations.Add($"{at}: capabilities.drop must contain ALL");
        }

        foreach (var added in context?.Capabilities?.Add ?? [])
        {
            if (added != "NET_BIND_SERVICE")
            {
                violations.Add($"{at}: capability {added} may not be added (only NET_BIND_SERVICE)");
            }
        }

        if (context?.ProcMount is { } procMount && procMount != "Default")
        {
            violations.Add($"{at}: procMount must be Default");
        }

        if (context?.AppArmorProfile?.Type == "Unconfined" || podContext?.AppArmorProfile?.Type == "Unconfined")
        {
            violations.Add($"{at}: AppArmor must not be Unconfined");
        }

        if (context?.SeLinuxOptions is { } selinux && (selinux.User is not null || selinux.Role is not null
            || selinux.Type is not (null or "container_t" or "container_init_t" or "container_kvm_t" or "container_engine_t")))
        {
            violations.Add($"{at}: seLinuxOptions may only set level and a container type");
        }
    }

    private static bool HasSource(V1Volume volume, string source) => source switch
    {
        "configMap" => volume.ConfigMap is not null,
        "csi" => volume.Csi is not null,
        "downwardAPI" => volume.DownwardAPI is not null,
        "emptyDir" => volume.EmptyDir is not null,
        "ephemeral" => volume.Ephemeral is not null,
        "persistentVolumeClaim" => volume.PersistentVolumeClaim is not null,
        "projected" => volume.Projected is not null,
        "secret" => volume.Secret is not null,
        _ => false,
    };
}
