using k8s.Models;
using LogSidecar.Manifests.Tests.Infrastructure;

namespace LogSidecar.Manifests.Tests.Manifests;

/// <summary>Least privilege: exactly what the injector calls, for the injector's service account only.</summary>
public sealed class RbacTests
{
    private static async Task<IReadOnlyList<object>> RbacAsync(string kustomization) =>
        [.. (await Kustomize.DocumentsAsync(kustomization))
            .Where(document => ((string?)document["apiVersion"])?.StartsWith("rbac.authorization.k8s.io/", StringComparison.Ordinal) == true)
            .Select(KubernetesModels.Read)];

    [Theory]
    [InlineData("base")]
    [InlineData("cert-manager")]
    public async Task TheInjectorMayReadTheVersionNamespacesAndOptedInPodsCreateEventsAndInItsNamespaceHoldItsLeaseAndReadEndpointSlices(string kustomization)
    {
        var rbac = await RbacAsync(kustomization);

        var role = Assert.Single(rbac.OfType<V1ClusterRole>());
        Assert.Equal(4, role.Rules.Count);
        var version = Assert.Single(role.Rules, rule => rule.NonResourceURLs is not null);
        Assert.Equal(["/version"], version.NonResourceURLs);
        Assert.Equal(["get"], version.Verbs);
        Assert.All(role.Rules.Where(rule => rule.Resources is not null), rule =>
        {
            Assert.Equal([""], rule.ApiGroups);
            Assert.Null(rule.ResourceNames);
        });

        // The namespace cache: read-only. The controller: pods list/watch, and Events created; no workload verbs.
        Assert.Equal(["get", "list", "watch"], Assert.Single(role.Rules, rule => rule.Resources?.Contains("namespaces") == true).Verbs.Order(StringComparer.Ordinal));
        Assert.Equal(["list", "watch"], Assert.Single(role.Rules, rule => rule.Resources?.Contains("pods") == true).Verbs.Order(StringComparer.Ordinal));
        Assert.Equal(["create"], Assert.Single(role.Rules, rule => rule.Resources?.Contains("events") == true).Verbs);
        Assert.Equal(["namespaces", "pods", "events"], role.Rules.Where(rule => rule.Resources is not null).SelectMany(rule => rule.Resources));

        // In its own namespace only: leader election with its own Lease, and the webhook Service's EndpointSlices (repair
        // waits for a ready endpoint), read-only.
        var own = Assert.Single(rbac.OfType<V1Role>());
        Assert.Equal("logsidecar-system", own.Metadata.NamespaceProperty);
        Assert.Equal(3, own.Rules.Count);
        var lease = own.Rules.Where(rule => rule.Resources.Contains("leases")).ToList();
        Assert.All(lease, rule =>
        {
            Assert.Equal(["coordination.k8s.io"], rule.ApiGroups);
            Assert.Equal(["leases"], rule.Resources);
        });
        Assert.Equal(["get", "update"], Assert.Single(lease, rule => rule.ResourceNames is not null).Verbs.Order(StringComparer.Ordinal));
        Assert.Equal(["logsidecar-injector-controller"], Assert.Single(lease, rule => rule.ResourceNames is not null).ResourceNames);
        Assert.Equal(["create"], Assert.Single(lease, rule => rule.ResourceNames is null).Verbs);
        var endpointSlices = Assert.Single(own.Rules, rule => !rule.Resources.Contains("leases"));
        Assert.Equal(["discovery.k8s.io"], endpointSlices.ApiGroups);
        Assert.Equal(["endpointslices"], endpointSlices.Resources);
        Assert.Equal(["list", "watch"], endpointSlices.Verbs.Order(StringComparer.Ordinal));
        Assert.Null(endpointSlices.ResourceNames);
        Assert.DoesNotContain(role.Rules, rule => rule.Resources?.Contains("endpointslices") == true);
        AssertBoundToTheInjectorOnly(rbac);
    }

    [Fact]
    public async Task OnlyTheRepairOverlayMayPatchWorkloadsAndItTurnsRepairOn()
    {
        var rbac = await RbacAsync("repair");

        var repair = Assert.Single(rbac.OfType<V1ClusterRole>(), role => role.Metadata.Name == "logsidecar-injector-repair");
        Assert.Equal(["get"], Assert.Single(repair.Rules, rule => rule.Resources.Contains("replicasets")).Verbs);
        var patch = Assert.Single(repair.Rules, rule => rule.Verbs.Contains("patch"));
        Assert.Equal(["apps"], patch.ApiGroups);
        Assert.Equal(["daemonsets", "deployments", "statefulsets"], patch.Resources.Order(StringComparer.Ordinal));
        Assert.Equal(["patch"], patch.Verbs);
        AssertBoundToTheInjectorOnly(rbac);
        foreach (var other in new[] { "base", "cert-manager", "self-signed" })
        {
            Assert.DoesNotContain((await RbacAsync(other)).OfType<V1ClusterRole>().SelectMany(role => role.Rules), rule => rule.Verbs.Contains("patch") && rule.ApiGroups.Contains("apps"));
        }

        var config = (await Kustomize.DocumentsAsync("repair")).Single(document => (string?)document["kind"] == "ConfigMap");
        var json = System.Text.Json.Nodes.JsonNode.Parse((string)config["data"]!["config.json"]!)!;
        Assert.True((bool)json["controller"]!["repair"]!);
    }

    [Fact]
    public async Task SelfSignedMayOnlyTouchItsOwnSecretAndWebhookConfiguration()
    {
        var rbac = await RbacAsync("self-signed");

        var role = Assert.Single(rbac.OfType<V1Role>(), role => role.Metadata.Name == "logsidecar-injector-self-signed");
        Assert.Equal("logsidecar-system", role.Metadata.NamespaceProperty);
        var named = Assert.Single(role.Rules, rule => rule.ResourceNames is not null);
        Assert.Equal(["secrets"], named.Resources);
        Assert.Equal(["logsidecar-injector-tls"], named.ResourceNames);
        Assert.Equal(["get", "update"], named.Verbs.Order(StringComparer.Ordinal));
        // RBAC cannot restrict create by name: the object does not exist yet.
        var create = Assert.Single(role.Rules, rule => rule.ResourceNames is null);
        Assert.Equal(["secrets"], create.Resources);
        Assert.Equal(["create"], create.Verbs);

        var webhookRole = Assert.Single(rbac.OfType<V1ClusterRole>(), clusterRole => clusterRole.Rules.Any(rule => rule.ResourceNames is not null));
        var webhookRule = Assert.Single(webhookRole.Rules);
        Assert.Equal(["admissionregistration.k8s.io"], webhookRule.ApiGroups);
        Assert.Equal(["mutatingwebhookconfigurations"], webhookRule.Resources);
        Assert.Equal(["logsidecar-injector"], webhookRule.ResourceNames);
        Assert.Equal(["get", "patch"], webhookRule.Verbs.Order(StringComparer.Ordinal));
        Assert.DoesNotContain(rbac.OfType<V1ClusterRole>().SelectMany(clusterRole => clusterRole.Rules), rule => rule.Resources?.Contains("secrets") == true);
        AssertBoundToTheInjectorOnly(rbac);
    }

    private static void AssertBoundToTheInjectorOnly(IReadOnlyList<object> rbac)
    {
        var roles = rbac.OfType<V1ClusterRole>().Select(role => ("ClusterRole", role.Metadata.Name))
            .Concat(rbac.OfType<V1Role>().Select(role => ("Role", role.Metadata.Name)))
            .ToHashSet();
        var bindings = rbac.OfType<V1ClusterRoleBinding>().Select(binding => (binding.RoleRef, binding.Subjects))
            .Concat(rbac.OfType<V1RoleBinding>().Select(binding => (binding.RoleRef, binding.Subjects)))
            .ToList();

        Assert.Equal(roles.Count, bindings.Count);
        foreach (var (roleRef, subjects) in bindings)
        {
            Assert.Contains((roleRef.Kind, roleRef.Name), roles);
            var subject = Assert.Single(subjects);
            Assert.Equal(("ServiceAccount", "logsidecar-injector", "logsidecar-system"), (subject.Kind, subject.Name, subject.NamespaceProperty));
        }
    }
}
