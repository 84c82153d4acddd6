using k8s.Models;
using LogSidecar.Manifests.Tests.Infrastructure;

namespace LogSidecar.Manifests.Tests.Manifests;

/// <summary>The restricted checker finds what the pod-security admission controller would refuse.</summary>
public sealed class PodSecurityRestrictedTests
{
    private static V1PodSpec Compliant() => new()
    {
        SecurityContext = new V1PodSecurityContext { RunAsNonRoot = true, SeccompProfile = new V1SeccompProfile { Type = "RuntimeDefault" } },
        Containers =
        [
            new V1Container
            {
                Name = "app",
                SecurityContext = new V1SecurityContext { AllowPrivilegeEscalation = false, Capabilities = new V1Capabilities { Drop = ["ALL"] } },
            },
        ],
        Volumes = [new V1Volume { Name = "logs", EmptyDir = new V1EmptyDirVolumeSource() }],
    };

    [Fact]
    public void ACompliantPodPasses() => Assert.Empty(PodSecurityRestricted.Violations(Compliant()));

    [Fact]
    public void EachRestrictedRuleIsReported()
    {
        var pod = Compliant();
        pod.SecurityContext.RunAsNonRoot = null;
        pod.SecurityContext.SeccompProfile = null;
        pod.Volumes.Add(new V1Volume { Name = "host", HostPath = new V1HostPathVolumeSource { Path = "/var/log" } });
        pod.Containers[0].SecurityContext = new V1SecurityContext { Privileged = true, Capabilities = new V1Capabilities { Add = ["SYS_ADMIN"] } };

        var violations = PodSecurityRestricted.Violations(pod);

        Assert.Contains(violations, v => v.Contains("hostPath", StringComparison.Ordinal));
        Assert.Contains(violations, v => v.Contains("privileged", StringComparison.Ordinal));
        Assert.Contains(violations, v => v.Contains("allowPrivilegeEscalation", StringComparison.Ordinal));
        Assert.Contains(violations, v => v.Contains("runAsNonRoot", StringComparison.Ordinal));
        Assert.Contains(violations, v => v.Contains("seccompProfile", StringComparison.Ordinal));
        Assert.Contains(violations, v => v.Contains("drop must contain ALL", StringComparison.Ordinal));
        Assert.Contains(violations, v => v.Contains("SYS_ADMIN", StringComparison.Ordinal));
    }

    [Fact]
    public void ContainerSettingsOverrideThePods()
    {
        var pod = Compliant();
        pod.Containers[0].SecurityContext.RunAsUser = 0;
        pod.Containers[0].SecurityContext.SeccompProfile = new V1SeccompProfile { Type = "Unconfined" };

        var violations = PodSecurityRestricted.Violations(pod);

        Assert.Contains(violations, v => v.Contains("runAsUser must not be 0", StringComparison.Ordinal));
        Assert.Contains(violations, v => v.Contains("not Unconfined", StringComparison.Ordinal));
    }
}
