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
    public async Task TheWebhookMayOnlyReadTheServerVersionAndListAndWatchNamespaces(string kustomization)
    {
        var rbac = await RbacAsync(kustomization);

        var role = Assert.IsType<V1ClusterRole>(Assert.Single(rbac, item => item is V1ClusterRole or V1Role));
        Assert.Equal(2, role.Rules.Count);
        var version = Assert.Single(role.Rules, rule => rule.NonResourceURLs is not null);
        Assert.Equal(["/version"], version.NonResourceURLs);
        Assert.Equal(["get"], version.Verbs);

        // The namespace cache (namespace defaults): read-only, namespaces only, in the core group.
        var namespaces = Assert.Single(role.Rules, rule => rule.Resources is not null);
        Assert.Equal([""], namespaces.ApiGroups);
        Assert.Equal(["namespaces"], namespaces.Resources);
        Assert.Null(namespaces.ResourceNames);
        Assert.Equal(["get", "list", "watch"], namespaces.Verbs.Order(StringComparer.Ordinal));
        AssertBoundToTheInjectorOnly(rbac);
    }

    [Fact]
    public async Task SelfSignedMayOnlyTouchItsOwnSecretAndWebhookConfiguration()
    {
        var rbac = await RbacAsync("self-signed");

        var role = Assert.Single(rbac.OfType<V1Role>());
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
