using System.Text.Json.Nodes;
using LogSidecar.Injector.Hosting;
using LogSidecar.Injector.Tests.Infrastructure;

namespace LogSidecar.Injector.Tests.Mutation;

public sealed class SidecarContainerFactoryTests(WebhookFixture webhook)
{
    /// <summary>A pod as the API server sends it: the ServiceAccount plugin has already mounted the token into the app.</summary>
    private static JsonObject PodWithToken()
    {
        var pod = new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Pod",
            ["metadata"] = new JsonObject { ["name"] = "web", ["namespace"] = "shop" },
            ["spec"] = new JsonObject
            {
                ["serviceAccountName"] = "default",
                ["containers"] = new JsonArray(new JsonObject { ["name"] = "web", ["image"] = "registry.example/web:1" }),
            },
        };
        ServiceAccountAdmission.Apply(pod);
        return pod;
    }

    [Fact]
    public async Task TheServiceAccountPluginRunningAgainAfterInjectionMountsNoTokenIntoTheSidecar()
    {
        var pod = PodWithToken();
        var response = await AdmissionReviews.ReviewAsync(webhook.Client, WebhookServer.NamespaceEnabledPath, AdmissionReviews.Request(pod, "shop"));
        var injected = IndependentJsonPatch.Apply(pod, AdmissionReviews.PatchText(response)!);

        ServiceAccountAdmission.Apply(injected);

        var sidecar = injected["spec"]!["initContainers"]!.AsArray().Single(c => (string?)c!["name"] == "logsidecar")!;
        var app = injected["spec"]!["containers"]![0]!;
        Assert.Empty(ServiceAccountAdmission.TokenVolumesOf(injected, sidecar));
        Assert.Single(ServiceAccountAdmission.TokenVolumesOf(injected, app));
        var shadow = Assert.Single(sidecar["volumeMounts"]!.AsArray(), m => (string?)m!["mountPath"] == ServiceAccountAdmission.TokenPath)!;
        Assert.True((bool)shadow["readOnly"]!);
        var volume = injected["spec"]!["volumes"]!.AsArray().Single(v => (string?)v!["name"] == (string?)shadow["name"])!;
        Assert.Equal(new JsonObject(), volume["emptyDir"], JsonNode.DeepEquals);
    }

    [Fact]
    public async Task WithoutTheShadowMountTheSamePluginWouldHandTheSidecarTheToken()
    {
        // The control for the test above: the stand-in does mount the token into a container without a mount at its path.
        var pod = PodWithToken();
        var response = await AdmissionReviews.ReviewAsync(webhook.Client, WebhookServer.NamespaceEnabledPath, AdmissionReviews.Request(pod, "shop"));
        var injected = IndependentJsonPatch.Apply(pod, AdmissionReviews.PatchText(response)!);
        var sidecar = injected["spec"]!["initContainers"]!.AsArray().Single(c => (string?)c!["name"] == "logsidecar")!;
        var mounts = sidecar["volumeMounts"]!.AsArray();
        mounts.Remove(mounts.Single(m => (string?)m!["mountPath"] == ServiceAccountAdmission.TokenPath));

        ServiceAccountAdmission.Apply(injected);

        Assert.Single(ServiceAccountAdmission.TokenVolumesOf(injected, sidecar));
    }
}
