using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace LogSidecar.Injector.Tests.Infrastructure;

/// <summary>Builds AdmissionReview requests as the API server sends them and reads the answers.</summary>
public static class AdmissionReviews
{
    public static JsonObject Request(JsonObject pod, string @namespace, string uid = "0d4a1c2e-7f8a-4b3c-9d1e-2f3a4b5c6d7e", string operation = "CREATE", bool dryRun = false) => new()
    {
        ["apiVersion"] = "admission.k8s.io/v1",
        ["kind"] = "AdmissionReview",
        ["request"] = new JsonObject
        {
            ["uid"] = uid,
            ["kind"] = new JsonObject { ["group"] = "", ["version"] = "v1", ["kind"] = "Pod" },
            ["resource"] = new JsonObject { ["group"] = "", ["version"] = "v1", ["resource"] = "pods" },
            ["requestKind"] = new JsonObject { ["group"] = "", ["version"] = "v1", ["kind"] = "Pod" },
            ["name"] = pod["metadata"]?["name"]?.DeepClone(),
            ["namespace"] = @namespace,
            ["operation"] = operation,
            ["userInfo"] = new JsonObject { ["username"] = "system:serviceaccount:kube-system:replicaset-controller" },
            ["object"] = pod.DeepClone(),
            ["oldObject"] = null,
            ["dryRun"] = dryRun,
            ["options"] = new JsonObject { ["apiVersion"] = "meta.k8s.io/v1", ["kind"] = "CreateOptions" },
        },
    };

    public static async Task<HttpResponseMessage> PostAsync(HttpClient client, string path, string body)
    {
        using var content = new StringContent(body, Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return await client.PostAsync(new Uri(path, UriKind.Relative), content, TestContext.Current.CancellationToken);
    }

    /// <summary>Sends the review and returns its <c>response</c> object; fails unless the HTTP status is 200.</summary>
    public static async Task<JsonObject> ReviewAsync(HttpClient client, string path, JsonObject review)
    {
        using var response = await PostAsync(client, path, review.ToJsonString());
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.IsSuccessStatusCode, $"HTTP {(int)response.StatusCode}: {text}");
        var answer = JsonNode.Parse(text)!.AsObject();
        Assert.Equal("admission.k8s.io/v1", (string?)answer["apiVersion"]);
        Assert.Equal("AdmissionReview", (string?)answer["kind"]);
        return answer["response"]!.AsObject();
    }

    /// <summary>The decoded JSON Patch of a response, or null when it has none.</summary>
    public static string? PatchText(JsonObject response) =>
        response["patch"] is { } patch ? Encoding.UTF8.GetString(Convert.FromBase64String((string)patch!)) : null;
}
