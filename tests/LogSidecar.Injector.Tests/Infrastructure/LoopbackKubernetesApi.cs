using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using System.Threading.Channels;
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
/// Namespaces follow the list/watch protocol (API concepts, "Efficient detection of changes"): a list carries the
/// collection's resourceVersion; a watch from a resourceVersion streams every change after it as JSON lines
/// (ADDED, MODIFIED, DELETED with the object), BOOKMARK events (only a resourceVersion) when asked for with
/// allowWatchBookmarks, ends after timeoutSeconds, and answers a resourceVersion older than the kept history with
/// an ERROR event holding a 410 Expired Status; a watch without one (or "0") starts with ADDED for every namespace.
/// Pods follow the same protocol, cluster-wide (<c>/api/v1/pods</c>) or in one namespace, filtered by
/// <c>labelSelector</c> (a watch sees an object that starts matching as ADDED and one that stops matching as DELETED);
/// lists are paged with <c>limit</c>/<c>continue</c>, every page served from the snapshot of the first, and a
/// continue token older than the compacted history is answered 410 Expired. EndpointSlices (discovery.k8s.io/v1)
/// follow it too, in one namespace (<c>/apis/discovery.k8s.io/v1/namespaces/{ns}/endpointslices</c>), usually selected by
/// <c>kubernetes.io/service-name</c>; what they say is the test's (see <see cref="PutEndpointSlice"/>). Leases (coordination.k8s.io/v1) are
/// created and updated like Secrets (409 AlreadyExists, 409 Conflict on a stale resourceVersion), Events are created,
/// and Deployments, StatefulSets and DaemonSets take merge patches (strategic merge patches of maps merge the same).
/// </summary>
public sealed class LoopbackKubernetesApi : IAsyncDisposable
{
    private const string ServiceAccount = "system:serviceaccount:logsidecar-system:logsidecar-injector";
    private readonly WebApplication _app;

    // Every object read or write happens under this lock, so the counter and the stored objects change together as in etcd.
    private readonly Lock _store = new();
    private readonly Dictionary<string, JsonObject> _objects = new(StringComparer.Ordinal);
    private readonly HashSet<(string Verb, string Resource)> _forbidden = [];
    private readonly Dictionary<(string Verb, string Resource), int> _unavailable = [];
    private readonly ConcurrentQueue<string> _requests = new();
    private long _resourceVersion = 1000;
    private int _heldReads;
    private TaskCompletionSource _readsReleased = new(TaskCreationOptions.RunContinuationsAsynchronously);

    // Changes to watched kinds in resourceVersion order, the open watches and the list snapshots that continue tokens
    // point at; all change under _store with the objects.
    private readonly List<Change> _history = [];
    private readonly List<ResourceWatch> _watches = [];
    private readonly Dictionary<string, (long ResourceVersion, List<JsonObject> Remaining)> _snapshots = new(StringComparer.Ordinal);
    private long _compactedThrough;

    public LoopbackKubernetesApi()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        _app = builder.Build();
        _app.MapGet("/api/v1/namespaces/{ns}/secrets/{name}", (string ns, string name) => GetSecretAsync(ns, name));
        _app.MapPost("/api/v1/namespaces/{ns}/secrets", (string ns, HttpRequest request) => CreateAsync("secrets", ns, request));
        _app.MapPut("/api/v1/namespaces/{ns}/secrets/{name}", (string ns, string name, HttpRequest request) => ReplaceAsync("secrets", ns, name, request));
        _app.MapGet("/api/v1/namespaces", (Delegate)((HttpContext context) => ListOrWatchAsync(context, "namespaces", null)));
        _app.MapGet("/api/v1/pods", (Delegate)((HttpContext context) => ListOrWatchAsync(context, "pods", null)));
        _app.MapGet("/api/v1/namespaces/{ns}/pods", (Delegate)((HttpContext context) => ListOrWatchAsync(context, "pods", (string)context.Request.RouteValues["ns"]!)));
        _app.MapGet("/apis/discovery.k8s.io/v1/namespaces/{ns}/endpointslices", (Delegate)((HttpContext context) => ListOrWatchAsync(context, "endpointslices", (string)context.Request.RouteValues["ns"]!)));
        _app.MapGet("/api/v1/namespaces/{ns}/pods/{name}", (string ns, string name) => Get("pods", ns, name, "get"));
        _app.MapPost("/api/v1/namespaces/{ns}/events", (string ns, HttpRequest request) => CreateAsync("events", ns, request));
        _app.MapGet("/apis/coordination.k8s.io/v1/namespaces/{ns}/leases/{name}", (string ns, string name) => Get("leases", ns, name, "get"));
        _app.MapPost("/apis/coordination.k8s.io/v1/namespaces/{ns}/leases", (string ns, HttpRequest request) => CreateAsync("leases", ns, request));
        _app.MapPut("/apis/coordination.k8s.io/v1/namespaces/{ns}/leases/{name}", (string ns, string name, HttpRequest request) => ReplaceAsync("leases", ns, name, request));
        _app.MapGet("/apis/apps/v1/namespaces/{ns}/{resource}/{name}", (string ns, string resource, string name) => Get(resource, ns, name, "get"));
        _app.MapMethods("/apis/apps/v1/namespaces/{ns}/{resource}/{name}", ["PATCH"], (string ns, string resource, string name, HttpRequest request) => MergePatchAsync(resource, ns, name, request));
        _app.MapGet("/api/v1/namespaces/{name}", (string name) => Get("namespaces", null, name, "get"));
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

    /// <summary>
    /// Answers the next <paramref name="times"/> requests to <paramref name="verb"/> <paramref name="resource"/> with 503
    /// ServiceUnavailable, as an API server does while its storage is unavailable; the object is left unchanged.
    /// </summary>
    public void Unavailable(string verb, string resource, int times)
    {
        lock (_store)
        {
            _unavailable[(verb, resource)] = times;
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

    /// <summary>Creates the namespace (ADDED) or replaces its annotations and labels (MODIFIED), as <c>kubectl annotate</c> would.</summary>
    public void PutNamespace(string name, IReadOnlyDictionary<string, string>? annotations = null, IReadOnlyDictionary<string, string>? labels = null) =>
        Put("namespaces", null, new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Namespace",
            ["metadata"] = new JsonObject { ["name"] = name, ["annotations"] = Map(annotations), ["labels"] = Map(labels) },
        });

    /// <summary>
    /// Creates or replaces an EndpointSlice of <paramref name="service"/> as the EndpointSlice controller writes it: labelled
    /// <c>kubernetes.io/service-name</c>, addressType IPv4, one endpoint per entry with its pod as targetRef and, per
    /// entry, <c>conditions.ready</c> true, false or absent (null; the API says consumers read that as ready) and
    /// <c>terminating</c>.
    /// </summary>
    public JsonObject PutEndpointSlice(string @namespace, string name, string service, params (string Pod, bool? Ready, bool Terminating)[] endpoints)
    {
        var list = new JsonArray();
        for (var i = 0; i < endpoints.Length; i++)
        {
            var (pod, ready, terminating) = endpoints[i];
            var conditions = new JsonObject { ["serving"] = ready ?? true, ["terminating"] = terminating };
            if (ready is { } value)
            {
                conditions["ready"] = value;
            }

            list.Add(new JsonObject
            {
                ["addresses"] = new JsonArray((JsonNode)$"10.42.0.{i + 10}"),
                ["conditions"] = conditions,
                ["targetRef"] = new JsonObject { ["kind"] = "Pod", ["namespace"] = @namespace, ["name"] = pod, ["uid"] = $"uid-{pod}" },
            });
        }

        return Put("endpointslices", @namespace, new JsonObject
        {
            ["apiVersion"] = "discovery.k8s.io/v1",
            ["kind"] = "EndpointSlice",
            ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = @namespace, ["labels"] = new JsonObject { ["kubernetes.io/service-name"] = service } },
            ["addressType"] = "IPv4",
            ["endpoints"] = list,
            ["ports"] = new JsonArray(new JsonObject { ["name"] = "https", ["port"] = 8443, ["protocol"] = "TCP" }),
        });
    }

    /// <summary>Deletes the namespace (DELETED with its last state).</summary>
    public void DeleteNamespace(string name) => Delete("namespaces", null, name);

    /// <summary>
    /// Creates the object (ADDED, with a uid) or replaces it keeping its uid and creationTimestamp (MODIFIED), as a
    /// controller or <c>kubectl apply</c> would; watches see it. Returns the stored object.
    /// </summary>
    public JsonObject Put(string resource, string? @namespace, JsonObject item)
    {
        lock (_store)
        {
            item = item.DeepClone().AsObject();
            var name = (string)item["metadata"]!["name"]!;
            var key = Key(resource, @namespace, name);
            var existed = _objects.TryGetValue(key, out var previous);
            Stamp(item, @namespace);
            if (previous is not null)
            {
                item["metadata"]!["uid"] = previous["metadata"]!["uid"]!.DeepClone();
                item["metadata"]!["creationTimestamp"] = previous["metadata"]!["creationTimestamp"]!.DeepClone();
            }

            _objects[key] = item;
            Publish(existed ? "MODIFIED" : "ADDED", resource, @namespace, item, previous);
            return item.DeepClone().AsObject();
        }
    }

    /// <summary>Deletes the object (DELETED with its last state); watches see it.</summary>
    public void Delete(string resource, string? @namespace, string name)
    {
        lock (_store)
        {
            if (_objects.Remove(Key(resource, @namespace, name), out var item))
            {
                item["metadata"]!["resourceVersion"] = NextResourceVersion();
                Publish("DELETED", resource, @namespace, item, null);
            }
        }
    }

    /// <summary>Copies of the stored objects of a kind (in one namespace, or all), by name.</summary>
    public IReadOnlyList<JsonObject> List(string resource, string? @namespace = null)
    {
        lock (_store)
        {
            return [.. Matching(resource, @namespace, LabelSelector.Parse(null)).Select(o => o.DeepClone().AsObject())];
        }
    }

    /// <summary>Sends a BOOKMARK with the current resourceVersion to every watch that asked for bookmarks.</summary>
    public void SendBookmark()
    {
        lock (_store)
        {
            foreach (var watch in _watches.Where(w => w.Bookmarks))
            {
                watch.Events.Writer.TryWrite(Line("BOOKMARK", new JsonObject
                {
                    ["apiVersion"] = ApiVersion(watch.Resource),
                    ["kind"] = Kind(watch.Resource),
                    ["metadata"] = new JsonObject { ["resourceVersion"] = _resourceVersion.ToString(CultureInfo.InvariantCulture) },
                }));
            }
        }
    }

    /// <summary>Ends every open watch as the server does at its timeout; clients watch again from their last resourceVersion.</summary>
    public void CloseWatches()
    {
        lock (_store)
        {
            foreach (var watch in _watches)
            {
                watch.Events.Writer.TryComplete();
            }

            _watches.Clear();
        }
    }

    /// <summary>
    /// The watchers fell out of the server's history: <paramref name="changes"/> happen while no watch sees them, the
    /// history is compacted, and every open watch ends with an ERROR 410 Expired, so a watch from any resourceVersion
    /// seen so far is answered 410 and only a new list shows the changes.
    /// </summary>
    public void ExpireWatches(Action changes)
    {
        lock (_store)
        {
            var expired = _watches.ToList();
            _watches.Clear();
            changes();
            _compactedThrough = _resourceVersion;
            _history.Clear();
            _snapshots.Clear();
            foreach (var watch in expired)
            {
                watch.Events.Writer.TryWrite(Gone(watch.From));
                watch.Events.Writer.TryComplete();
            }
        }
    }

    /// <summary>Lets a verb refused by <see cref="Forbid"/> through again, like a Role that was fixed.</summary>
    public void Permit(string verb, string resource)
    {
        lock (_store)
        {
            _forbidden.Remove((verb, resource));
        }
    }

    /// <summary>Watches of namespaces open now.</summary>
    public int OpenWatches => OpenWatchesOf("namespaces");

    /// <summary>Watches of a kind open now.</summary>
    public int OpenWatchesOf(string resource)
    {
        lock (_store)
        {
            return _watches.Count(w => w.Resource == resource);
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

    private async Task<IResult> CreateAsync(string resource, string ns, HttpRequest request)
    {
        var body = await ReadObjectAsync(request);
        lock (_store)
        {
            var name = (string?)body?["metadata"]?["name"] ?? "";
            if (Refused("create", resource, ns, name) is { } refused)
            {
                return Answer("POST", resource, name, refused);
            }

            if (Invalid(resource, body, name) is { } invalid)
            {
                return Answer("POST", resource, name, invalid);
            }

            if (_objects.ContainsKey(Key(resource, ns, name)))
            {
                return Answer("POST", resource, name, Status(HttpStatusCode.Conflict, "AlreadyExists", $"{resource} \"{name}\" already exists", resource, name));
            }

            Stamp(body!, ns);
            _objects[Key(resource, ns, name)] = body!;
            return Answer("POST", resource, name, Results.Json(body, statusCode: 201));
        }
    }

    private async Task<IResult> ReplaceAsync(string resource, string ns, string name, HttpRequest request)
    {
        var body = await ReadObjectAsync(request);
        lock (_store)
        {
            if (Refused("update", resource, ns, name) is { } refused)
            {
                return Answer("PUT", resource, name, refused);
            }

            if ((string?)body?["metadata"]?["name"] != name)
            {
                return Answer("PUT", resource, name, Status(HttpStatusCode.BadRequest, "BadRequest", "the name of the object does not match the name on the URL", resource, name));
            }

            if (Invalid(resource, body, name) is { } invalid)
            {
                return Answer("PUT", resource, name, invalid);
            }

            if (!_objects.TryGetValue(Key(resource, ns, name), out var stored))
            {
                return Answer("PUT", resource, name, Status(HttpStatusCode.NotFound, "NotFound", $"{resource} \"{name}\" not found", resource, name));
            }

            var sent = (string?)body!["metadata"]!["resourceVersion"];
            if (!string.IsNullOrEmpty(sent) && sent != (string?)stored["metadata"]!["resourceVersion"])
            {
                return Answer("PUT", resource, name, Status(HttpStatusCode.Conflict, "Conflict", $"Operation cannot be fulfilled on {resource} \"{name}\": the object has been modified; please apply your changes to the latest version and try again", resource, name));
            }

            // uid and creationTimestamp are the server's; resourceVersion moves on.
            body["metadata"]!["uid"] = stored["metadata"]!["uid"]!.DeepClone();
            body["metadata"]!["creationTimestamp"] = stored["metadata"]!["creationTimestamp"]!.DeepClone();
            body["metadata"]!["resourceVersion"] = NextResourceVersion();
            body["metadata"]!["namespace"] = ns;
            _objects[Key(resource, ns, name)] = body;
            return Answer("PUT", resource, name, Results.Json(body, statusCode: 200));
        }
    }

    /// <summary>A merge patch (RFC 7386; a strategic merge patch that only sets map keys merges the same way) of a workload.</summary>
    private async Task<IResult> MergePatchAsync(string resource, string ns, string name, HttpRequest request)
    {
        var patch = await ReadObjectAsync(request);
        lock (_store)
        {
            if (Refused("patch", resource, ns, name) is { } refused)
            {
                return Answer("PATCH", resource, name, refused);
            }

            if (request.ContentType?.Split(';')[0] is not ("application/merge-patch+json" or "application/strategic-merge-patch+json") || patch is null)
            {
                return Answer("PATCH", resource, name, Status(HttpStatusCode.UnsupportedMediaType, "UnsupportedMediaType", $"the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json; got {request.ContentType}", resource, name));
            }

            if (!_objects.TryGetValue(Key(resource, ns, name), out var stored))
            {
                return Answer("PATCH", resource, name, Status(HttpStatusCode.NotFound, "NotFound", $"{resource}.apps \"{name}\" not found", resource, name));
            }

            var patched = stored.DeepClone().AsObject();
            Merge(patched, patch);
            patched["metadata"]!["resourceVersion"] = NextResourceVersion();
            _objects[Key(resource, ns, name)] = patched;
            return Answer("PATCH", resource, name, Results.Json(patched, statusCode: 200));
        }
    }

    private static void Merge(JsonObject target, JsonObject patch)
    {
        foreach (var (key, value) in patch)
        {
            if (value is null)
            {
                target.Remove(key);
            }
            else if (value is JsonObject inner)
            {
                if (target[key] is not JsonObject existing)
                {
                    existing = [];
                    target[key] = existing;
                }

                Merge(existing, inner);
            }
            else
            {
                target[key] = value.DeepClone();
            }
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

    private async Task<IResult> ListOrWatchAsync(HttpContext context, string resource, string? ns)
    {
        var query = context.Request.Query;
        var watching = query["watch"] is [var flag] && flag is "true" or "1";
        var from = query["resourceVersion"].ToString();
        var selectorText = query["labelSelector"].ToString();
        var selector = LabelSelector.Parse(selectorText);
        var described = resource + (ns is null ? "" : $"@{ns}") + (selectorText.Length == 0 ? "" : $"?labelSelector={selectorText}");
        if (!watching)
        {
            return List(resource, ns, selector, described, query["limit"].ToString(), query["continue"].ToString());
        }

        var what = $"{resource}?watch&resourceVersion={from}";
        ResourceWatch watch;
        lock (_store)
        {
            if (Refused("watch", resource, ns, "") is { } refused)
            {
                return Answer("GET", what, "", refused);
            }

            watch = new ResourceWatch(resource, ns, selector, from, query["allowWatchBookmarks"] is [var bookmarks] && bookmarks is "true" or "1");
            Answer("GET", what, "", Results.Ok());
            if (from is "" or "0")
            {
                foreach (var item in Matching(resource, ns, selector))
                {
                    watch.Events.Writer.TryWrite(Line("ADDED", item));
                }

                _watches.Add(watch);
            }
            else if (!long.TryParse(from, CultureInfo.InvariantCulture, out var since) || since < _compactedThrough)
            {
                watch.Events.Writer.TryWrite(Gone(from));
                watch.Events.Writer.TryComplete();
            }
            else
            {
                foreach (var change in _history.Where(h => h.ResourceVersion > since))
                {
                    Send(watch, change);
                }

                _watches.Add(watch);
            }
        }

        var timeout = query["timeoutSeconds"] is [var seconds] && int.TryParse(seconds, CultureInfo.InvariantCulture, out var s) ? TimeSpan.FromSeconds(s) : Timeout.InfiniteTimeSpan;
        using var ends = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        ends.CancelAfter(timeout);
        context.Response.StatusCode = 200;
        context.Response.ContentType = "application/json";
        try
        {
            await context.Response.StartAsync(ends.Token);
            await foreach (var line in watch.Events.Reader.ReadAllAsync(ends.Token))
            {
                await context.Response.WriteAsync(line + "\n", ends.Token);
                await context.Response.Body.FlushAsync(ends.Token);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException)
        {
            // The timeout, or the client went away: the stream ends either way.
        }
        finally
        {
            lock (_store)
            {
                _watches.Remove(watch);
            }
        }

        return Results.Empty;
    }

    /// <summary>A page of a list: the first from the objects now, the next ones from the same snapshot by their continue token.</summary>
    private IResult List(string resource, string? ns, LabelSelector selector, string described, string limitText, string continueToken)
    {
        lock (_store)
        {
            if (Refused("list", resource, ns, "") is { } refused)
            {
                return Answer("GET", described, "", refused);
            }

            long snapshot;
            List<JsonObject> rest;
            if (continueToken.Length > 0)
            {
                if (!_snapshots.Remove(continueToken, out var kept))
                {
                    return Answer("GET", described + "&continue", "", Status(HttpStatusCode.Gone, "Expired", "The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.", resource, ""));
                }

                (snapshot, rest) = kept;
                described += "&continue";
            }
            else
            {
                snapshot = _resourceVersion;
                rest = [.. Matching(resource, ns, selector).Select(o => o.DeepClone().AsObject())];
            }

            var limit = int.TryParse(limitText, CultureInfo.InvariantCulture, out var l) && l > 0 ? l : int.MaxValue;
            var page = rest.Take(limit).ToList();
            var metadata = new JsonObject { ["resourceVersion"] = snapshot.ToString(CultureInfo.InvariantCulture) };
            if (rest.Count > page.Count)
            {
                var token = Convert.ToBase64String(Guid.NewGuid().ToByteArray());
                _snapshots[token] = (snapshot, rest.Skip(page.Count).ToList());
                metadata["continue"] = token;
                metadata["remainingItemCount"] = rest.Count - page.Count;
            }

            return Answer("GET", described, "", Results.Json(new JsonObject
            {
                ["apiVersion"] = ApiVersion(resource),
                ["kind"] = Kind(resource) + "List",
                ["metadata"] = metadata,
                ["items"] = new JsonArray([.. page]),
            }));
        }
    }

    private IEnumerable<JsonObject> Matching(string resource, string? ns, LabelSelector selector) =>
        _objects.Where(o => o.Key.StartsWith(ns is null ? $"{resource}/" : $"{resource}/{ns}/", StringComparison.Ordinal) && selector.Matches(o.Value))
            .OrderBy(o => o.Key, StringComparer.Ordinal)
            .Select(o => o.Value);

    /// <summary>Records a change and sends it to the open watches; called under <see cref="_store"/>.</summary>
    private void Publish(string type, string resource, string? ns, JsonObject item, JsonObject? previous)
    {
        var change = new Change(long.Parse((string)item["metadata"]!["resourceVersion"]!, CultureInfo.InvariantCulture), type, resource, ns, item.DeepClone().AsObject(), previous?.DeepClone().AsObject());
        _history.Add(change);
        foreach (var watch in _watches)
        {
            Send(watch, change);
        }
    }

    /// <summary>What a watch sees of a change: with a selector, starting to match is ADDED and ceasing to match is DELETED.</summary>
    private static void Send(ResourceWatch watch, Change change)
    {
        if (watch.Resource != change.Resource || (watch.Namespace is not null && watch.Namespace != change.Namespace))
        {
            return;
        }

        var now = watch.Selector.Matches(change.Item);
        var before = change.Previous is not null && watch.Selector.Matches(change.Previous);
        var type = change.Type switch
        {
            "MODIFIED" when now && !before => "ADDED",
            "MODIFIED" when !now && before => "DELETED",
            "MODIFIED" when !now => null,
            _ when now => change.Type,
            _ => null,
        };
        if (type is not null)
        {
            watch.Events.Writer.TryWrite(Line(type, change.Item));
        }
    }

    private static JsonObject? Map(IReadOnlyDictionary<string, string>? entries) =>
        entries is null ? null : new JsonObject([.. entries.Select(a => KeyValuePair.Create(a.Key, (JsonNode?)a.Value))]);

    private static string Line(string type, JsonObject item) => new JsonObject { ["type"] = type, ["object"] = item.DeepClone() }.ToJsonString();

    private string Gone(string from) => Line("ERROR", new JsonObject
    {
        ["kind"] = "Status",
        ["apiVersion"] = "v1",
        ["metadata"] = new JsonObject(),
        ["status"] = "Failure",
        ["message"] = $"too old resource version: {from} ({_compactedThrough + 1})",
        ["reason"] = "Expired",
        ["code"] = 410,
    });

    private static async Task<JsonObject?> ReadObjectAsync(HttpRequest request)
    {
        using var reader = new StreamReader(request.Body);
        return JsonNode.Parse(await reader.ReadToEndAsync()) as JsonObject;
    }

    private static IResult? Invalid(string resource, JsonObject? body, string name)
    {
        if (body is null || name.Length == 0)
        {
            return Status(HttpStatusCode.BadRequest, "BadRequest", $"the body is not a {resource} object with metadata.name", resource, name);
        }

        if (resource == "leases" && body["spec"]?["leaseDurationSeconds"] is JsonValue duration && (int)duration <= 0)
        {
            return Status(HttpStatusCode.UnprocessableEntity, "Invalid", $"Lease.coordination.k8s.io \"{name}\" is invalid: spec.leaseDurationSeconds: Invalid value: {duration}: must be greater than 0", resource, name);
        }

        if ((string?)body["type"] == "kubernetes.io/tls" && (body["data"]?["tls.crt"] is null || body["data"]?["tls.key"] is null))
        {
            return Status(HttpStatusCode.UnprocessableEntity, "Invalid", $"Secret \"{name}\" is invalid: data[tls.crt]: Required value", "secrets", name);
        }

        return null;
    }

    private IResult? Refused(string verb, string resource, string? ns, string name)
    {
        if (_forbidden.Contains((verb, resource)))
        {
            return Status(HttpStatusCode.Forbidden, "Forbidden", $"{resource} \"{name}\" is forbidden: User \"{ServiceAccount}\" cannot {verb} resource \"{resource}\" in API group \"{Group(resource)}\"{(ns is null ? " at the cluster scope" : $" in the namespace \"{ns}\"")}", resource, name);
        }

        if (_unavailable.TryGetValue((verb, resource), out var times) && times > 0)
        {
            _unavailable[(verb, resource)] = times - 1;
            return Status(HttpStatusCode.ServiceUnavailable, "ServiceUnavailable", "the server is currently unable to handle the request", resource, name);
        }

        return null;
    }

    private static string Group(string resource) => resource switch
    {
        "mutatingwebhookconfigurations" => "admissionregistration.k8s.io",
        "leases" => "coordination.k8s.io",
        "deployments" or "replicasets" or "statefulsets" or "daemonsets" => "apps",
        "endpointslices" => "discovery.k8s.io",
        _ => "",
    };

    private static string ApiVersion(string resource) => Group(resource) is { Length: > 0 } group ? $"{group}/v1" : "v1";

    private static string Kind(string resource) => resource switch
    {
        "pods" => "Pod",
        "endpointslices" => "EndpointSlice",
        _ => "Namespace",
    };

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
        _requests.Enqueue(name.Length == 0 ? $"{method} {resource} {code}" : $"{method} {resource}/{name} {code}");
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

    /// <summary>A change to a watched kind: the object after it, and before it for MODIFIED (for selector watches).</summary>
    private sealed record Change(long ResourceVersion, string Type, string Resource, string? Namespace, JsonObject Item, JsonObject? Previous);

    /// <summary>One open watch: the lines still to send (unbounded: a test makes a handful of changes).</summary>
    private sealed record ResourceWatch(string Resource, string? Namespace, LabelSelector Selector, string From, bool Bookmarks)
    {
        public Channel<string> Events { get; } = Channel.CreateUnbounded<string>();
    }
}
