using k8s.Models;
using LogSidecar.Manifests.Tests.Infrastructure;

namespace LogSidecar.Manifests.Tests.Manifests;

public sealed class WebhookConfigurationTests
{
    private static readonly string[] SystemNamespaces = ["kube-system", "kube-public", "kube-node-lease", "logsidecar-system"];

    public static TheoryData<string> Installs => ["base", "cert-manager", "self-signed", "repair"];

    private static async Task<V1MutatingWebhookConfiguration> ConfigurationAsync(string kustomization) =>
        KubernetesModels.Read<V1MutatingWebhookConfiguration>(await Kustomize.DocumentAsync(kustomization, "MutatingWebhookConfiguration", "logsidecar-injector"));

    private static V1MutatingWebhook Webhook(V1MutatingWebhookConfiguration configuration, string name) =>
        Assert.Single(configuration.Webhooks, webhook => webhook.Name == name);

    [Theory]
    [MemberData(nameof(Installs))]
    public async Task BothWebhooksFailOpenHaveNoSideEffectsAndSeeOnlyPodCreation(string kustomization)
    {
        var configuration = await ConfigurationAsync(kustomization);

        Assert.Equal(["namespace-enabled.logsidecar.io", "opt-in.logsidecar.io"], configuration.Webhooks.Select(webhook => webhook.Name));
        foreach (var webhook in configuration.Webhooks)
        {
            Assert.Equal("Ignore", webhook.FailurePolicy);
            Assert.Equal("None", webhook.SideEffects);
            Assert.Equal("IfNeeded", webhook.ReinvocationPolicy);
            Assert.Equal("Equivalent", webhook.MatchPolicy);
            Assert.Equal(["v1"], webhook.AdmissionReviewVersions);
            Assert.Equal(5, webhook.TimeoutSeconds);
            var rule = Assert.Single(webhook.Rules);
            Assert.Equal(["CREATE"], rule.Operations);
            Assert.Equal([""], rule.ApiGroups);
            Assert.Equal(["v1"], rule.ApiVersions);
            Assert.Equal(["pods"], rule.Resources);
            Assert.Equal("Namespaced", rule.Scope);

            var service = webhook.ClientConfig.Service;
            Assert.Equal("logsidecar-injector", service.Name);
            Assert.Equal("logsidecar-system", service.NamespaceProperty);
            Assert.Equal(443, service.Port);
            Assert.Null(webhook.ClientConfig.Url);
        }
    }

    [Theory]
    [MemberData(nameof(Installs))]
    public async Task NamespaceEnabledWebhookTakesPodsOfEnabledNamespacesUnlessTheyOptOut(string kustomization)
    {
        var webhook = Webhook(await ConfigurationAsync(kustomization), "namespace-enabled.logsidecar.io");

        Assert.Equal("/inject/namespace-enabled", webhook.ClientConfig.Service.Path);
        Assert.Equal("enabled", webhook.NamespaceSelector.MatchLabels["logsidecar.io/injection"]);
        AssertExcludesSystemNamespaces(webhook.NamespaceSelector);
        Assert.Null(webhook.ObjectSelector.MatchLabels);
        var optOut = Assert.Single(webhook.ObjectSelector.MatchExpressions);
        Assert.Equal(("logsidecar.io/inject", "NotIn"), (optOut.Key, optOut.OperatorProperty));
        Assert.Equal(["false"], optOut.Values);
    }

    [Theory]
    [MemberData(nameof(Installs))]
    public async Task OptInWebhookTakesOnlyLabelledPodsOfNamespacesThatDidNotDecide(string kustomization)
    {
        var webhook = Webhook(await ConfigurationAsync(kustomization), "opt-in.logsidecar.io");

        Assert.Equal("/inject/opt-in", webhook.ClientConfig.Service.Path);
        Assert.Null(webhook.NamespaceSelector.MatchLabels);
        var undecided = Assert.Single(webhook.NamespaceSelector.MatchExpressions, e => e.Key == "logsidecar.io/injection");
        Assert.Equal("NotIn", undecided.OperatorProperty);
        Assert.Equal(["disabled", "enabled"], undecided.Values.Order(StringComparer.Ordinal));
        AssertExcludesSystemNamespaces(webhook.NamespaceSelector);
        Assert.Equal(new Dictionary<string, string> { ["logsidecar.io/inject"] = "true" }, webhook.ObjectSelector.MatchLabels);
        Assert.Null(webhook.ObjectSelector.MatchExpressions);
    }

    [Fact]
    public async Task CertManagerInjectsTheCaOfTheServingCertificate()
    {
        var configuration = await ConfigurationAsync("cert-manager");
        var certificate = await Kustomize.DocumentAsync("cert-manager", "Certificate", "logsidecar-injector");

        Assert.Equal("logsidecar-system/logsidecar-injector", configuration.Metadata.Annotations["cert-manager.io/inject-ca-from"]);
        Assert.Equal("logsidecar-injector-tls", (string?)certificate["spec"]!["secretName"]);
        Assert.Contains("logsidecar-injector.logsidecar-system.svc", certificate["spec"]!["dnsNames"]!.AsArray().Select(name => (string?)name));
        Assert.All(configuration.Webhooks, webhook => Assert.Null(webhook.ClientConfig.CaBundle));
    }

    [Theory]
    [InlineData("base")]
    [InlineData("self-signed")]
    public async Task WithoutCertManagerNothingInjectsTheCaButTheInjector(string kustomization)
    {
        var configuration = await ConfigurationAsync(kustomization);

        Assert.False(configuration.Metadata.Annotations?.ContainsKey("cert-manager.io/inject-ca-from") ?? false);
    }

    private static void AssertExcludesSystemNamespaces(V1LabelSelector selector)
    {
        var excluded = Assert.Single(selector.MatchExpressions, e => e.Key == "kubernetes.io/metadata.name");
        Assert.Equal("NotIn", excluded.OperatorProperty);
        Assert.Equal(SystemNamespaces.Order(StringComparer.Ordinal), excluded.Values.Order(StringComparer.Ordinal));
    }
}
