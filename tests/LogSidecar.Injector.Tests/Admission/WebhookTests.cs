using System.Net;
using System.Text.Json.Nodes;
using LogSidecar.Injector.Hosting;
using LogSidecar.Injector.Tests.Infrastructure;

namespace LogSidecar.Injector.Tests.Admission;

public sealed class WebhookTests(WebhookFixture webhook)
{
    private static JsonObject Pod(JsonObject? labels = null) => new()
    {
        ["apiVersion"] = "v1",
        ["kind"] = "Pod",
        ["metadata"] = new JsonObject { ["generateName"] = "web-", ["labels"] = labels ?? new JsonObject { ["app"] = "web" } },
        ["spec"] = new JsonObject { ["containers"] = new JsonArray(new JsonObject { ["name"] = "web", ["image"] = "registry.example/web:1" }) },
    };

    public static TheoryData<string, string> MalformedRequests() => new()
    {
        { "this is not json", "not a JSON AdmissionReview" },
        { """{"apiVersion":"admission.k8s.io/v1beta1","kind":"AdmissionReview","request":{"uid":"1"}}""", "expected apiVersion admission.k8s.io/v1" },
        { """{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview"}""", "has no request" },
        { """{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"kind":{"group":"","version":"v1","kind":"Pod"},"object":{}}}""", "request.uid is missing" },
        { """{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"1","kind":{"group":"apps","version":"v1","kind":"Deployment"},"object":{}}}""", "handles pods only" },
        { """{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"1","kind":{"group":"","version":"v1","kind":"Pod"},"operation":"CREATE","object":"pod"}}""", "not a JSON object" },
    };

    [Theory]
    [MemberData(nameof(MalformedRequests))]
    public async Task AMalformedRequestGetsA400WithAMessage(string body, string message)
    {
        using var response = await AdmissionReviews.PostAsync(webhook.Client, WebhookServer.NamespaceEnabledPath, body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(message, await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ADryRunRequestGetsTheSameAnswer()
    {
        var real = await AdmissionReviews.ReviewAsync(webhook.Client, WebhookServer.NamespaceEnabledPath, AdmissionReviews.Request(Pod(), "shop"));
        var dry = await AdmissionReviews.ReviewAsync(webhook.Client, WebhookServer.NamespaceEnabledPath, AdmissionReviews.Request(Pod(), "shop", dryRun: true));

        Assert.NotNull(real["patch"]);
        JsonAssert.Equal(real, dry, "dry-run response");
    }

    [Theory]
    [InlineData(null, false)]
    [InlineData("false", false)]
    [InlineData("true", true)]
    public async Task TheOptInEndpointInjectsOnlyPodsThatSayTrue(string? label, bool injected)
    {
        var labels = new JsonObject { ["app"] = "web" };
        if (label is not null)
        {
            labels["logsidecar.io/inject"] = label;
        }

        var response = await AdmissionReviews.ReviewAsync(webhook.Client, WebhookServer.OptInPath, AdmissionReviews.Request(Pod(labels), "elsewhere"));

        Assert.True((bool)response["allowed"]!);
        Assert.Equal(injected, response["patch"] is not null);
    }

    [Fact]
    public async Task ThePodsOfTheInjectorsOwnNamespaceAreNeverInjected()
    {
        var labels = new JsonObject { ["logsidecar.io/inject"] = "true" };
        var response = await AdmissionReviews.ReviewAsync(webhook.Client, WebhookServer.OptInPath, AdmissionReviews.Request(Pod(labels), "logsidecar-system"));

        Assert.True((bool)response["allowed"]!);
        Assert.Null(response["patch"]);
    }

    [Fact]
    public async Task AnUpdateIsAllowedUnchanged()
    {
        var response = await AdmissionReviews.ReviewAsync(webhook.Client, WebhookServer.NamespaceEnabledPath, AdmissionReviews.Request(Pod(), "shop", operation: "UPDATE"));

        Assert.True((bool)response["allowed"]!);
        Assert.Null(response["patch"]);
    }

    public static TheoryData<string> PodsTheInjectorCannotHandle() => new()
    {
        """{"spec":{"containers":[]}}""",
        """{"spec":{"containers":"web"}}""",
        """{"metadata":{"annotations":["not","a","map"]},"spec":{"containers":[{"name":"web","image":"web:1"}]}}""",
    };

    [Theory]
    [MemberData(nameof(PodsTheInjectorCannotHandle))]
    public async Task APodTheInjectorCannotHandleIsAllowedUnchangedWithAWarning(string json)
    {
        var pod = JsonNode.Parse(json)!.AsObject();

        var response = await AdmissionReviews.ReviewAsync(webhook.Client, WebhookServer.NamespaceEnabledPath, AdmissionReviews.Request(pod, "shop"));

        Assert.True((bool)response["allowed"]!);
        Assert.Null(response["patch"]);
        Assert.Contains("admitted without the sidecar", (string?)response["warnings"]![0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task HealthReadinessAndMetricsAnswerOverHttps()
    {
        var token = TestContext.Current.CancellationToken;
        await AdmissionReviews.ReviewAsync(webhook.Client, WebhookServer.NamespaceEnabledPath, AdmissionReviews.Request(Pod(), "shop"));

        Assert.Equal("ok\n", await webhook.Client.GetStringAsync(new Uri("/healthz", UriKind.Relative), token));
        Assert.Equal("ok\n", await webhook.Client.GetStringAsync(new Uri("/readyz", UriKind.Relative), token));
        var metrics = await webhook.Client.GetStringAsync(new Uri("/metrics", UriKind.Relative), token);
        Assert.Contains("logsidecar_injector_requests_total{webhook=\"namespace-enabled\",result=\"injected\",reason=\"none\"}", metrics, StringComparison.Ordinal);
        Assert.Contains("logsidecar_injector_request_duration_seconds_bucket{le=\"+Inf\"}", metrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AHugeImageValueAgainstAGlobWithSeveralStarsIsAnsweredWithTheValueCut()
    {
        await using var globbing = await WebhookFixture.StartAsync(options => options.AllowedImages = ["registry.example/*/*:*-release"]);
        var pod = Pod();
        pod["metadata"]!["annotations"] = new JsonObject { ["logsidecar.io/image"] = "registry.example/" + new string('a', 3200) + "/" + new string('b', 3200) + ":" + new string('c', 100) };

        var response = await AdmissionReviews.ReviewAsync(globbing.Client, WebhookServer.NamespaceEnabledPath, AdmissionReviews.Request(pod, "shop"));

        var warning = Assert.Single(response["warnings"]!.AsArray().Select(w => (string)w!), w => w.StartsWith("logsidecar.io/image:", StringComparison.Ordinal));
        Assert.Contains("(6519 characters)", warning, StringComparison.Ordinal);
        Assert.True(warning.Length < 300, warning);
        Assert.Contains("registry.example/logsidecar:0.1.0", AdmissionReviews.PatchText(response), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("registry.example/team/app:2.1-release", true)]
    [InlineData("attacker.io/registry.example/team/app:2.1-release", false)]
    [InlineData("registry.example/team/app:", false)]
    public async Task AnImageIsTakenOnlyWhenItIsAValidReferenceMatchingTheAllowListSegmentBySegment(string image, bool taken)
    {
        await using var globbing = await WebhookFixture.StartAsync(options => options.AllowedImages = ["registry.example/*/*:*-release"]);
        var pod = Pod();
        pod["metadata"]!["annotations"] = new JsonObject { ["logsidecar.io/image"] = image };

        var response = await AdmissionReviews.ReviewAsync(globbing.Client, WebhookServer.NamespaceEnabledPath, AdmissionReviews.Request(pod, "shop"));

        Assert.Equal(taken, AdmissionReviews.PatchText(response)!.Contains($"\"image\":\"{image}\"", StringComparison.Ordinal));
        Assert.Equal(taken, response["warnings"] is null);
    }
}
