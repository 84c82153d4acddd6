using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using k8s;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace LogSidecar.Injector.Tests.Infrastructure;

/// <summary>
/// An HTTP server on 127.0.0.1 that answers the few Kubernetes API calls the self-signed bootstrap makes, with the
/// API server's documented semantics: one resourceVersion counter for every write, create answers 201 or 409
/// AlreadyExists, update with a stale resourceVersion answers 409 Conflict (without one it is unconditional, as for
/// Secrets), kubernetes.io/tls Secrets must hold tls.crt and tls.key (422 Invalid), JSON patches apply atomically
/// (a failed test op is 422 and changes nothing), and errors are Status objects with reason and message. RBAC is
/// emulated by <see cref="Forbid"/>; <see cref="HoldSecretReads"/> makes replicas read before any of them writes.
/// </summary>
public sealed class LoopbackKubernetesApi : IAsyncDisposable
{
    private const string ServiceAccount = "system:serviceaccount:logsidecar-system:logsidecar-injector";
    private readonly WebApplication _app;

    // Every object read or write happens under this lock, so the counter and the stored objects change together as in etcd.
    private readonly Lock _store = new();
    private readonly Dictionary<string, JsonObject> _objects = new(StringComparer.Ordinal);
    private readonly HashSet<(string Verb, string Resource)> _forbidden = [];
    private readonly ConcurrentQueue<string> _requests = new();
    private long _resourceVersion = 1000;
    private int _heldReads;
    private TaskCompletionSource _readsReleased = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public LoopbackKubernetesApi()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        _app = builder.Build();
        _app.MapGet("/api/v1/namespaces/{ns}/secrets/{name}", (string ns, string name) => GetSecretAsync(ns, name));
        _app.MapPost("/api/v1/namespaces/{ns}/secrets", (string ns, HttpRequest request) => CreateSecretAsync(ns, request));
        _app.MapPut("/api/v1/namespaces/{ns}/secrets/{name}", (string ns, string name, HttpRequest request) => ReplaceSecretAsync(ns, name, request));
        _app.MapGet("/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations/{name}", (string name) => Get("mutatingwebhookconfigurations", null, name, "get"));
        _app.MapMethods("/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations/{name}", ["PATCH"], (string name, HttpRequest request) => PatchWebhookConfigurationAsync(name, request));
    }

    public Uri Address { get; private set; } = new("http://127.0.0.1/");

    /// <summary>"METHOD path STATUS" of every request answered, in order.</summary>
    public IReadOnlyList<string> Requests => [.. _requests];

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await _app.StartAsync(cancellationToken);
        Address = new Uri(_app.Urls.Single());
    }

    /// <summary>A client as the injector builds it, pointed at this server.</summary>
    public Kubernetes CreateClient() => new(new KubernetesClientConfiguration { Host = Address.ToString() });

    /// <summary>Answers 403 Forbidden to <paramref name="verb"/> on <paramref name="resource"/>, like a Role that lacks it.</summary>
    public void Forbid(string verb, string resource)
    {
        lock (_store)
        {
            _forbidden.Add((verb, resource));
        }
    }

    /// <summary>The next <paramref name="count"/> Secret reads are answered only once all of them have arrived.</summary>
    public void HoldSecretReads(int count)
    {
        lock (_store)
        {
            _heldReads = count;
            _readsReleased = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
    }

    /// <summary>Stores an object as <c>kubectl apply</c> would have created it.</summary>
    public void Seed(string resource, string? @namespace, JsonObject item)
    {
        lock (_store)
        {
            var name = (string)item["metadata"]!["name"]!;
            Stamp(item, @namespace);
            _objects[Key(resource, @namespace, name)] = item;
        }
    }

    /// <summary>A copy of the stored object, or null.</summary>
    public JsonObject? Find(string resource, string? @namespace, string name)
    {
        lock (_store)
        {
            return _objects.TryGetValue(Key(resource, @namespace, name), out var item) ? item.DeepClone().AsObject() : null;
        }
    }

    public int Count(string requestPrefix) => _requests.Count(r => r.StartsWith(requestPrefix, StringComparison.Ordinal));

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
    }

    private async Task<IResult> GetSecretAsync(string ns, string name)
    {
        Task? hold = null;
        lock (_store)
        {
            if (_heldReads > 0)
            {
                hold = _readsReleased.Task;
                if (--_heldReads == 0)
                {
                    _readsReleased.SetResult();
                }
            }
        }

        if (hold is not null)
        {
            await hold;
        }

        return Get("secrets", ns, name, "get");
    }

    private IResult Get(string resource, string? ns, string name, string verb)
    {
        lock (_store)
        {
            if (Refused(verb, resource, ns, name) is { } refused)
            {
                return Answer("GET", resource, name, refused);
            }

            return _objects.TryGetValue(Key(resource, ns, name), out var item)
                ? Answer("GET", resource, name, Results.Json(item, statusCode: 200))
                : Answer("GET", resource, name, Status(HttpStatusCode.NotFound, "NotFound", $"{resource} \"{name}\" not found", resource, name));
        }
    }

    private async Task<IResult> CreateSecretAsync(string ns, HttpRequest request)
    {
        var body = await ReadObjectAsync(request);
        lock (_store)
        {
            var name = (string?)body?["metadata"]?["name"] ?? "";
            if (Refused("create", "secrets", ns, name) is { } refused)
            {
                return Answer("POST", "secrets", name, refused);
            }

            if (Invalid(body, name) is { } invalid)
            {
                return Answer("POST", "secrets", name, invalid);
            }

            if (_objects.ContainsKey(Key("secrets", ns, name)))
            {
                return Answer("POST", "secrets", name, Status(HttpStatusCode.Conflict, "AlreadyExists", $"secrets \"{name}\" already exists", "secrets", name));
            }

            Stamp(body!, ns);
            _objects[Key("secrets", ns, name)] = body!;
            return Answer("POST", "secrets", name, Results.Json(body, statusCode: 201));
        }
    }

    private async Task<IResult> ReplaceSecretAsync(string ns, string name, HttpRequest request)
    {
        var body = await ReadObjectAsync(request);
        lock (_store)
        {
            if (Refused("update", "secrets", ns, name) is { } refused)
            {
                return Answer("PUT", "secrets", name, refused);
            }

            if ((string?)body?["metadata"]?["name"] != name)
            {
                return Answer("PUT", "secrets", name, Status(HttpStatusCode.BadRequest, "BadRequest", "the name of the object does not match the name on the URL", "secrets", name));
            }

            if (Invalid(body, name) is { } invalid)
            {
                return Answer("PUT", "secrets", name, invalid);
            }

            if (!_objects.TryGetValue(Key("secrets", ns, name), out var stored))
            {
                return Answer("PUT", "secrets", name, Status(HttpStatusCode.NotFound, "NotFound", $"secrets \"{name}\" not found", "secrets", name));
            }

            var sent = (string?)body!["metadata"]!["resourceVersion"];
            if (!string.IsNullOrEmpty(sent) && sent != (string?)stored["metadata"]!["resourceVersion"])
            {
                return Answer("PUT", "secrets", name, Status(HttpStatusCode.Conflict, "Conflict", $"Operation cannot be fulfilled on secrets \"{name}\": the object has been modified; please apply your changes to the latest version and try again", "secrets", name));
            }

            // uid and creationTimestamp are the server's; resourceVersion moves on.
            body["metadata"]!["uid"] = stored["metadata"]!["uid"]!.DeepClone();
            body["metadata"]!["creationTimestamp"] = stored["metadata"]!["creationTimestamp"]!.DeepClone();
            body["metadata"]!["resourceVersion"] = NextResourceVersion();
            body["metadata"]!["namespace"] = ns;
            _objects[Key("secrets", ns, name)] = body;
            return Answer("PUT", "secrets", name, Results.Json(body, statusCode: 200));
        }
    }

    private async Task<IResult> PatchWebhookConfigurationAsync(string name, HttpRequest request)
    {
        const string Resource = "mutatingwebhookconfigurations";
        using var reader = new StreamReader(request.Body);
        var patch = await reader.ReadToEndAsync();
        lock (_store)
        {
            if (Refused("patch", Resource, null, name) is { } refused)
            {
                return Answer("PATCH", Resource, name, refused);
            }

            if (request.ContentType?.StartsWith("application/json-patch+json", StringComparison.Ordinal) != true)
            {
                return Answer("PATCH", Resource, name, Status(HttpStatusCode.UnsupportedMediaType, "UnsupportedMediaType", $"the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml; got {request.ContentType}", Resource, name));
            }

            if (!_objects.TryGetValue(Key(Resource, null, name), out var stored))
            {
                return Answer("PATCH", Resource, name, Status(HttpStatusCode.NotFound, "NotFound", $"{Resource}.admissionregistration.k8s.io \"{name}\" not found", Resource, name));
            }

            JsonObject patched;
            try
            {
                // Applied to a copy: a failing operation leaves the stored object as it was (patches are atomic).
                patched = IndependentJsonPatch.Apply(stored, patch);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                return Answer("PATCH", Resource, name, Status(HttpStatusCode.UnprocessableEntity, "Invalid", e.Message, Resource, name));
            }

            patched["metadata"]!["resourceVersion"] = NextResourceVersion();
            _objects[Key(Resource, null, name)] = patched;
            return Answer("PATCH", Resource, name, Results.Json(patched, statusCode: 200));
        }
    }

    private static async Task<JsonObject?> ReadObjectAsync(HttpRequest request)
    {
        using var reader = new StreamReader(request.Body);
        return JsonNode.Parse(await reader.ReadToEndAsync()) as JsonObject;
    }

    private static IResult? Invalid(JsonObject? body, string name)
    {
        if (body is null || name.Length == 0)
        {
            return Status(HttpStatusCode.BadRequest, "BadRequest", "the body is not a Secret with metadata.name", "secrets", name);
        }

        if ((string?)body["type"] == "kubernetes.io/tls" && (body["data"]?["tls.crt"] is null || body["data"]?["tls.key"] is null))
        {
            return Status(HttpStatusCode.UnprocessableEntity, "Invalid", $"Secret \"{name}\" is invalid: data[tls.crt]: Required value", "secrets", name);
        }

        return null;
    }

    private IResult? Refused(string verb, string resource, string? ns, string name) =>
        _forbidden.Contains((verb, resource))
            ? Status(HttpStatusCode.Forbidden, "Forbidden", $"{resource} \"{name}\" is forbidden: User \"{ServiceAccount}\" cannot {verb} resource \"{resource}\" in API group \"{(resource == "secrets" ? "" : "admissionregistration.k8s.io")}\"{(ns is null ? " at the cluster scope" : $" in the namespace \"{ns}\"")}", resource, name)
            : null;

    private void Stamp(JsonObject item, string? ns)
    {
        var metadata = item["metadata"]!.AsObject();
        if (ns is not null)
        {
            metadata["namespace"] = ns;
        }

        metadata["uid"] = Guid.NewGuid().ToString();
        metadata["creationTimestamp"] = DateTimeOffset.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
        metadata["resourceVersion"] = NextResourceVersion();
    }

    private string NextResourceVersion() => (++_resourceVersion).ToString(CultureInfo.InvariantCulture);

    private IResult Answer(string method, string resource, string name, IResult result)
    {
        var code = result is IStatusCodeHttpResult { StatusCode: { } status } ? status : 200;
        _requests.Enqueue($"{method} {resource}/{name} {code}");
        return result;
    }

    private static IResult Status(HttpStatusCode code, string reason, string message, string resource, string name) => Results.Json(
        new JsonObject
        {
            ["kind"] = "Status",
            ["apiVersion"] = "v1",
            ["metadata"] = new JsonObject(),
            ["status"] = "Failure",
            ["message"] = message,
            ["reason"] = reason,
            ["details"] = new JsonObject { ["name"] = name, ["kind"] = resource },
            ["code"] = (int)code,
        },
        statusCode: (int)code);

    private static string Key(string resource, string? ns, string name) => $"{resource}/{ns}/{name}";
}
