using System.Text.Json.Nodes;
using LogSidecar.Contracts.Configuration;
using LogSidecar.Injector.Hosting;
using LogSidecar.Injector.Offline;
using LogSidecar.Injector.Tests.Infrastructure;

namespace LogSidecar.Injector.Tests.Golden;

/// <summary>
/// Each case folder holds <c>input.json</c> (a Pod or a workload manifest), <c>response.json</c>
/// (allowed, message, warnings), <c>patch.json</c> (when there is one) and <c>expected.json</c> (the
/// manifest after the patch, when allowed). Every case goes through the HTTPS webhook and the
/// offline command; the patch is applied with an independent RFC 6902 implementation.
/// </summary>
public sealed class GoldenTests(WebhookFixture webhook)
{
    public static TheoryData<string> Cases() => GoldenCases.Names();

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task CaseMatchesItsGoldenFilesThroughTheWebhookAndTheOfflineCommand(string name)
    {
        var input = GoldenCases.Read(name, GoldenCases.Input)!.AsObject();
        var pod = PodTemplateLocator.Find(input) ?? throw new InvalidOperationException($"{name}: input.json is not a Pod or a workload with a pod template");
        var ns = (string?)input["metadata"]?["namespace"] ?? "default";

        var response = await AdmissionReviews.ReviewAsync(webhook.Client, WebhookServer.NamespaceEnabledPath, AdmissionReviews.Request(pod, ns));
        Assert.Equal("0d4a1c2e-7f8a-4b3c-9d1e-2f3a4b5c6d7e", (string?)response["uid"]);
        var allowed = (bool)response["allowed"]!;
        var summary = new JsonObject
        {
            ["allowed"] = allowed,
            ["message"] = response["status"]?["message"]?.DeepClone(),
            ["warnings"] = response["warnings"]?.DeepClone() ?? new JsonArray(),
        };
        var patchText = AdmissionReviews.PatchText(response);
        var patch = patchText is null ? null : JsonNode.Parse(patchText);
        if (patch is not null)
        {
            Assert.Equal("JSONPatch", (string?)response["patchType"]);
            Assert.All(patch.AsArray(), op => Assert.Equal("add", (string?)op!["op"]));
        }

        JsonObject? expected = null;
        if (allowed)
        {
            expected = input.DeepClone().AsObject();
            if (patchText is not null)
            {
                var mutated = IndependentJsonPatch.Apply(pod, patchText);
                var target = PodTemplateLocator.Find(expected)!;
                target.Clear();
                foreach (var (key, value) in mutated.ToList())
                {
                    mutated.Remove(key);
                    target[key] = value;
                }
            }
        }

        if (GoldenCases.Update)
        {
            GoldenCases.Write(name, GoldenCases.Response, summary);
            GoldenCases.Write(name, GoldenCases.Patch, patch);
            GoldenCases.Write(name, GoldenCases.Expected, expected);
        }
        else
        {
            JsonAssert.Equal(GoldenCases.Read(name, GoldenCases.Response), summary, $"{name}: response");
            JsonAssert.Equal(GoldenCases.Read(name, GoldenCases.Patch), patch, $"{name}: patch");
            JsonAssert.Equal(GoldenCases.Read(name, GoldenCases.Expected), expected, $"{name}: manifest after applying the patch");
        }

        if (expected is not null && patchText is not null)
        {
            var mutatedPod = PodTemplateLocator.Find(expected)!;
            var status = JsonNode.Parse((string)mutatedPod["metadata"]!["annotations"]!["logsidecar.io/status"]!)!;
            if (status["skipped"] is null)
            {
                AssertInjectedPodIsConsistent(mutatedPod, status);
            }
            else
            {
                // Skipped on purpose: the status annotation says why, and nothing else is added.
                Assert.All(patch!.AsArray(), op => Assert.StartsWith("/metadata", (string)op!["path"]!, StringComparison.Ordinal));
            }

            // Reinvocation: the API server may send the injected pod again; nothing more is added.
            var again = await AdmissionReviews.ReviewAsync(webhook.Client, WebhookServer.NamespaceEnabledPath, AdmissionReviews.Request(mutatedPod, ns));
            Assert.True((bool)again["allowed"]!);
            Assert.Null(again["patch"]);
        }

        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var exitCode = InjectCommand.Run(new StringReader(GoldenCases.ReadText(name, GoldenCases.Input)), stdout, stderr, InjectCommand.Json, webhook.Injector);
        if (allowed)
        {
            Assert.True(exitCode == 0, $"exit code {exitCode}: {stderr}");
            JsonAssert.Equal(expected, JsonNode.Parse(stdout.ToString()), $"{name}: offline inject output");
        }
        else
        {
            Assert.Equal(1, exitCode);
            Assert.Contains((string)summary["message"]!, stderr.ToString(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public void EveryGoldenFolderIsACompleteCaseWithoutUnusedFiles()
    {
        var problems = new List<string>();
        foreach (var directory in Directory.GetDirectories(GoldenCases.Root))
        {
            var name = Path.GetFileName(directory);
            foreach (var file in Directory.GetFiles(directory).Select(Path.GetFileName))
            {
                if (!GoldenCases.KnownFiles.Contains(file!, StringComparer.Ordinal))
                {
                    problems.Add($"{name}/{file}: unused golden file (known: {string.Join(", ", GoldenCases.KnownFiles)})");
                }
            }

            foreach (var subdirectory in Directory.GetDirectories(directory))
            {
                problems.Add($"{name}/{Path.GetFileName(subdirectory)}/: unused folder");
            }

            if (!File.Exists(Path.Combine(directory, GoldenCases.Input)))
            {
                problems.Add($"{name}: no {GoldenCases.Input}");
                continue;
            }

            if (!File.Exists(Path.Combine(directory, GoldenCases.Response)))
            {
                problems.Add($"{name}: no {GoldenCases.Response}; run the tests with LOGSIDECAR_UPDATE_GOLDEN=1");
                continue;
            }

            var allowed = (bool)GoldenCases.Read(name, GoldenCases.Response)!["allowed"]!;
            if (allowed != File.Exists(Path.Combine(directory, GoldenCases.Expected)))
            {
                problems.Add($"{name}: {GoldenCases.Expected} must exist exactly when the pod is allowed");
            }

            if (!allowed && File.Exists(Path.Combine(directory, GoldenCases.Patch)))
            {
                problems.Add($"{name}: a denied case cannot have a {GoldenCases.Patch}");
            }
        }

        Assert.True(GoldenCases.Names().Count >= 10, $"only {GoldenCases.Names().Count} golden cases found under {GoldenCases.Root}");
        Assert.Empty(problems);
    }

    /// <summary>
    /// What the injector renders is what the sidecar accepts; every mount has its volume; the sidecar is hardened,
    /// gets no service-account token, listens where the status says on a port no other container uses, and names
    /// the app container whose logs these are when there is exactly one.
    /// </summary>
    private static void AssertInjectedPodIsConsistent(JsonObject pod, JsonNode status)
    {
        var volumes = (pod["spec"]?["volumes"]?.AsArray() ?? []).ToDictionary(v => (string)v!["name"]!, v => v!);
        var everyContainer = (pod["spec"]?["initContainers"]?.AsArray() ?? []).Concat(pod["spec"]?["containers"]?.AsArray() ?? []).ToList();
        foreach (var container in everyContainer)
        {
            foreach (var mount in container?["volumeMounts"]?.AsArray() ?? [])
            {
                Assert.True(volumes.ContainsKey((string)mount!["name"]!), $"container {container?["name"]} mounts volume {mount?["name"]}, which the pod does not have");
            }
        }

        var sidecars = everyContainer
            .Where(c => c?["env"]?.AsArray().Any(e => (string?)e?["name"] == "LOGSIDECAR_CONFIG") == true)
            .ToList();
        var sidecar = Assert.Single(sidecars)!;
        var json = (string)sidecar["env"]!.AsArray().Single(e => (string?)e?["name"] == "LOGSIDECAR_CONFIG")!["value"]!;
        var config = SidecarConfigReader.Parse(json, "LOGSIDECAR_CONFIG", out var error);
        Assert.Null(error);
        Assert.Empty(SidecarConfigValidator.Validate(config!));
        var security = sidecar["securityContext"]!;
        Assert.True((bool)security["runAsNonRoot"]!);
        Assert.True((bool)security["readOnlyRootFilesystem"]!);
        Assert.False((bool)security["allowPrivilegeEscalation"]!);
        Assert.Equal("ALL", (string?)security["capabilities"]!["drop"]![0]);
        Assert.Equal("RuntimeDefault", (string?)security["seccompProfile"]!["type"]);

        // The token path holds an empty read-only volume, so the ServiceAccount admission plugin adds no token here.
        var token = Assert.Single(sidecar["volumeMounts"]!.AsArray(), m => (string?)m!["mountPath"] == "/var/run/secrets/kubernetes.io/serviceaccount")!;
        Assert.True((bool)token["readOnly"]!);
        Assert.Equal(new JsonObject(), volumes[(string)token["name"]!]["emptyDir"], JsonNode.DeepEquals);

        // The metrics endpoint: where the status says, declared under its port name, probed there, used by no other container.
        var port = (int)status["metricsPort"]!;
        Assert.Equal((port, (string)status["metricsAddress"]!), (config!.Metrics.Port, config.Metrics.Address));
        var declared = Assert.Single(sidecar["ports"]!.AsArray())!;
        Assert.Equal(port, (int)declared["containerPort"]!);
        Assert.DoesNotContain(port, everyContainer.Where(c => c != sidecar).SelectMany(c => c?["ports"]?.AsArray() ?? []).SelectMany(p => new[] { (int?)p?["containerPort"], (int?)p?["hostPort"] }));
        if (sidecar["startupProbe"] is { } probe)
        {
            Assert.Equal(port, (int)probe["httpGet"]!["port"]!);
        }

        var hostNetwork = (bool?)pod["spec"]?["hostNetwork"] == true;
        if (hostNetwork && pod["metadata"]?["annotations"]?["logsidecar.io/metrics-address"] is null)
        {
            Assert.Equal("127.0.0.1", config.Metrics.Address);
            Assert.Equal("127.0.0.1", (string?)sidecar["startupProbe"]?["httpGet"]?["host"] ?? "127.0.0.1");
        }

        var appContainers = status["containers"]!.AsArray().Select(c => (string)c!).ToList();
        var containerName = sidecar["env"]!.AsArray().SingleOrDefault(e => (string?)e?["name"] == "CONTAINER_NAME")?["value"];
        Assert.Equal(appContainers.Count == 1 ? appContainers[0] : null, (string?)containerName);
    }
}
