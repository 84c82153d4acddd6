using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using LogSidecar.Tests.Sinks.Receivers;
using Microsoft.AspNetCore.Http;

namespace LogSidecar.Tests.Sources;

/// <summary>
/// A stand-in for the Kubernetes API server over real HTTPS (a private CA, a bearer token required: 401 with a
/// Status otherwise), for what the Events source calls, with the semantics the API documents:
/// <list type="bullet">
/// <item>One resourceVersion counter for every write, as etcd's revision.</item>
/// <item>events.k8s.io/v1 Events, cluster-wide or in a namespace: a list carries the collection's
/// resourceVersion and pages with limit/continue over one snapshot; a watch from a resourceVersion streams every
/// change after it as JSON lines (ADDED, MODIFIED, DELETED with the object), BOOKMARK events (only a
/// resourceVersion) when asked with allowWatchBookmarks, and answers a resourceVersion older than the kept
/// history (see <see cref="Compact"/>) with an ERROR event holding a 410 Expired Status; a watch without one (or
/// "0") starts with ADDED for every event.</item>
/// <item>coordination.k8s.io/v1 Leases: get (404 NotFound), create (409 AlreadyExists), update with the
/// resourceVersion read (409 Conflict when stale).</item>
/// </list>
/// </summary>
internal sealed class KubernetesApiStandIn : LoopbackHttpReceiver
{
    public const string Token = "stand-in-token";

    // Every read and write of objects happens under this lock, so the counter and the objects change together.
    private readonly Lock _store = new();
    private readonly Dictionary<string, JsonObject> _events = new(StringComparer.Ordinal);
    private readonly Dictionary<string, JsonObject> _leases = new(StringComparer.Ordinal);
    private readonly List<(long Version, string? Namespace, string Line)> _history = [];
    private readonly List<Watch> _watches = [];
    private long _version = 5000;
    private long _compactedThrough;
    private int _lists;

    public KubernetesApiStandIn(TestCertificates certificates)
    {
        Certificates = certificates;
        Certificate = certificates.Server;
    }

    public TestCertificates Certificates { get; }

    /// <summary>Lists answered (first pages only).</summary>
    public int Lists => Volatile.Read(ref _lists);

    /// <summary>Writes a kubeconfig that reaches this server with its CA and token; returns its path.</summary>
    public string WriteKubeconfig(string directory)
    {
        var ca = Convert.ToBase64String(Encoding.UTF8.GetBytes(Certificates.Authority.ExportCertificatePem()));
        var path = Path.Combine(directory, "kubeconfig");
        File.WriteAllText(path, $"""
            apiVersion: v1
            kind: Config
            clusters:
            - name: stand-in
              cluster:
                server: {Endpoint.ToString().TrimEnd('/')}
                certificate-authority-data: {ca}
            users:
            - name: tester
              user:
                token: {Token}
            contexts:
            - name: test
              context:
                cluster: stand-in
                user: tester
            current-context: test
            """);
        return path;
    }

    /// <summary>Creates an event about a pod; returns its uid.</summary>
    public string AddEvent(string @namespace, string reason, string note, string type = "Normal", DateTimeOffset? at = null)
    {
        var uid = Guid.NewGuid().ToString();
        var when = Rfc3339(at ?? DateTimeOffset.UtcNow);
        var item = new JsonObject
        {
            ["apiVersion"] = "events.k8s.io/v1",
            ["kind"] = "Event",
            ["metadata"] = new JsonObject { ["name"] = $"pod-{uid[..8]}.{uid[9..13]}", ["namespace"] = @namespace, ["uid"] = uid, ["creationTimestamp"] = when },
            ["eventTime"] = when,
            ["reportingController"] = "kubelet",
            ["reportingInstance"] = "node-1",
            ["action"] = "Pulling",
            ["reason"] = reason,
            ["note"] = note,
            ["type"] = type,
            ["regarding"] = new JsonObject { ["kind"] = "Pod", ["namespace"] = @namespace, ["name"] = "web-1", ["uid"] = "pod-uid" },
        };
        Write("ADDED", uid, item);
        return uid;
    }

    /// <summary>The event happened again: its series count rises, as the event recorder does it.</summary>
    public void Repeat(string uid, int count, DateTimeOffset? at = null) =>
        Change(uid, item => item["series"] = new JsonObject { ["count"] = count, ["lastObservedTime"] = Rfc3339(at ?? DateTimeOffset.UtcNow) });

    /// <summary>An update that is not an occurrence (an annotation added).</summary>
    public void Annotate(string uid) =>
        Change(uid, item => ((JsonObject)item["metadata"]!)["annotations"] = new JsonObject { ["touched"] = "yes" });

    public void Delete(string uid)
    {
        lock (_store)
        {
            if (_events.Remove(uid, out var item))
            {
                Record("DELETED", item, ++_version);
            }
        }
    }

    /// <summary>Forgets the history up to now, as etcd compaction does: a watch from an older resourceVersion gets 410.</summary>
    public void Compact()
    {
        lock (_store)
        {
            _compactedThrough = _version;
            _history.Clear();
        }
    }

    /// <summary>Sends a BOOKMARK with the current resourceVersion to the open watches that asked for bookmarks.</summary>
    public void Bookmark()
    {
        lock (_store)
        {
            foreach (var watch in _watches.Where(w => w.Bookmarks))
            {
                watch.Lines.Writer.TryWrite(Line("BOOKMARK", new JsonObject
                {
                    ["kind"] = "Event",
                    ["apiVersion"] = "events.k8s.io/v1",
                    ["metadata"] = new JsonObject { ["resourceVersion"] = _version.ToString(CultureInfo.InvariantCulture) },
                }));
            }
        }
    }

    /// <summary>
    /// Ends every open watch, as the API server does at timeoutSeconds or when it restarts; what
    /// <paramref name="meanwhile"/> changes happens before a new watch or list is answered (a client that
    /// reconnects at once waits for it), as changes made while an API server restarts.
    /// </summary>
    public void EndWatches(Action? meanwhile = null)
    {
        lock (_store)
        {
            foreach (var watch in _watches)
            {
                watch.Lines.Writer.TryComplete();
            }

            _watches.Clear();
            meanwhile?.Invoke();
        }
    }

    /// <summary>The resourceVersion of the event's last change.</summary>
    public string EventVersion(string uid)
    {
        lock (_store)
        {
            return _events[uid]["metadata"]!["resourceVersion"]!.GetValue<string>();
        }
    }

    /// <summary>The Lease's annotation, or null.</summary>
    public string? LeaseAnnotation(string @namespace, string name, string key)
    {
        lock (_store)
        {
            return _leases.TryGetValue($"{@namespace}/{name}", out var lease) ? lease["metadata"]?["annotations"]?[key]?.GetValue<string>() : null;
        }
    }

    /// <summary>The Lease's holder, or null.</summary>
    public string? LeaseHolder(string @namespace, string name)
    {
        lock (_store)
        {
            return _leases.TryGetValue($"{@namespace}/{name}", out var lease) ? lease["spec"]?["holderIdentity"]?.GetValue<string>() : null;
        }
    }

    protected override async Task HandleAsync(HttpContext context)
    {
        if (context.Request.Headers.Authorization.ToString() != $"Bearer {Token}")
        {
            await StatusAsync(context, 401, "Unauthorized", "Unauthorized");
            return;
        }

        var path = context.Request.Path.Value ?? "";
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        switch (segments)
        {
            case ["apis", "events.k8s.io", "v1", "events"]:
                await EventsAsync(context, null);
                break;
            case ["apis", "events.k8s.io", "v1", "namespaces", var ns, "events"]:
                await EventsAsync(context, ns);
                break;
            case ["apis", "coordination.k8s.io", "v1", "namespaces", var ns, "leases"] when context.Request.Method == "POST":
                await CreateLeaseAsync(context, ns);
                break;
            case ["apis", "coordination.k8s.io", "v1", "namespaces", var ns, "leases", var name]:
                await LeaseAsync(context, ns, name);
                break;
            default:
                await StatusAsync(context, 404, "NotFound", $"the server could not find the requested resource ({path})");
                break;
        }
    }

    private async Task EventsAsync(HttpContext context, string? @namespace)
    {
        var query = context.Request.Query;
        if (query["watch"] == "true")
        {
            await WatchAsync(context, @namespace, query["resourceVersion"].ToString(), query["allowWatchBookmarks"] == "true");
            return;
        }

        var limit = int.TryParse(query["limit"], CultureInfo.InvariantCulture, out var l) && l > 0 ? l : int.MaxValue;
        var start = 0;
        long snapshot;
        List<JsonNode> items;
        lock (_store)
        {
            // The continue token names the snapshot and the position: pages of one list see one state.
            if (query["continue"].ToString() is { Length: > 0 } token)
            {
                var parts = token.Split(':');
                snapshot = long.Parse(parts[0], CultureInfo.InvariantCulture);
                start = int.Parse(parts[1], CultureInfo.InvariantCulture);
                if (snapshot != _version)
                {
                    // The stand-in keeps no old snapshots: an expired continue token, as after compaction.
                    snapshot = -1;
                }
            }
            else
            {
                snapshot = _version;
                Interlocked.Increment(ref _lists);
            }

            items = [.. _events.Values.Where(e => @namespace is null || e["metadata"]!["namespace"]!.GetValue<string>() == @namespace)
                .OrderBy(e => e["metadata"]!["uid"]!.GetValue<string>(), StringComparer.Ordinal)
                .Select(e => e.DeepClone())];
        }

        if (snapshot < 0)
        {
            await StatusAsync(context, 410, "Expired", "The provided continue parameter is too old to display a consistent list result.");
            return;
        }

        var page = items.Skip(start).Take(limit).ToList();
        var more = start + page.Count < items.Count;
        var list = new JsonObject
        {
            ["apiVersion"] = "events.k8s.io/v1",
            ["kind"] = "EventList",
            ["metadata"] = new JsonObject
            {
                ["resourceVersion"] = snapshot.ToString(CultureInfo.InvariantCulture),
                ["continue"] = more ? $"{snapshot}:{start + page.Count}" : null,
            },
            ["items"] = new JsonArray([.. page]),
        };
        await JsonAsync(context, 200, list);
    }

    private async Task WatchAsync(HttpContext context, string? @namespace, string from, bool bookmarks)
    {
        var watch = new Watch(@namespace, bookmarks, Channel.CreateUnbounded<string>());
        lock (_store)
        {
            if (from is "" or "0")
            {
                foreach (var item in _events.Values.Where(e => Matches(e, @namespace)))
                {
                    watch.Lines.Writer.TryWrite(Line("ADDED", item));
                }
            }
            else if (long.Parse(from, CultureInfo.InvariantCulture) < _compactedThrough)
            {
                watch.Lines.Writer.TryWrite(Line("ERROR", new JsonObject
                {
                    ["kind"] = "Status",
                    ["apiVersion"] = "v1",
                    ["status"] = "Failure",
                    ["message"] = $"too old resource version: {from} ({_compactedThrough})",
                    ["reason"] = "Expired",
                    ["code"] = 410,
                }));
                watch.Lines.Writer.TryComplete();
            }
            else
            {
                var after = long.Parse(from, CultureInfo.InvariantCulture);
                foreach (var (version, ns, line) in _history.Where(h => h.Version > after && (@namespace is null || h.Namespace == @namespace)))
                {
                    watch.Lines.Writer.TryWrite(line);
                }
            }

            _watches.Add(watch);
        }

        context.Response.StatusCode = 200;
        context.Response.ContentType = "application/json";
        await context.Response.StartAsync(context.RequestAborted);
        try
        {
            await foreach (var line in watch.Lines.Reader.ReadAllAsync(context.RequestAborted))
            {
                await context.Response.WriteAsync(line + "\n", context.RequestAborted);
                await context.Response.Body.FlushAsync(context.RequestAborted);
            }
        }
        catch (OperationCanceledException)
        {
            // The client went away.
        }
        finally
        {
            lock (_store)
            {
                _watches.Remove(watch);
            }
        }
    }

    private async Task LeaseAsync(HttpContext context, string @namespace, string name)
    {
        var key = $"{@namespace}/{name}";
        if (context.Request.Method == "GET")
        {
            JsonNode? lease;
            lock (_store)
            {
                lease = _leases.TryGetValue(key, out var found) ? found.DeepClone() : null;
            }

            await (lease is null
                ? StatusAsync(context, 404, "NotFound", $"leases.coordination.k8s.io \"{name}\" not found")
                : JsonAsync(context, 200, lease));
            return;
        }

        if (context.Request.Method != "PUT")
        {
            await StatusAsync(context, 405, "MethodNotAllowed", "the server does not allow this method on the requested resource");
            return;
        }

        var body = JsonNode.Parse(await ReadBodyAsync(context.Request))!.AsObject();
        var sent = body["metadata"]?["resourceVersion"]?.GetValue<string>();
        JsonNode? written = null;
        string? conflict = null;
        lock (_store)
        {
            if (!_leases.TryGetValue(key, out var current))
            {
                conflict = "missing";
            }
            else if (sent is not null && sent != current["metadata"]!["resourceVersion"]!.GetValue<string>())
            {
                conflict = "stale";
            }
            else
            {
                body["metadata"]!["resourceVersion"] = (++_version).ToString(CultureInfo.InvariantCulture);
                _leases[key] = body;
                written = body.DeepClone();
            }
        }

        await (conflict switch
        {
            "missing" => StatusAsync(context, 404, "NotFound", $"leases.coordination.k8s.io \"{name}\" not found"),
            "stale" => StatusAsync(context, 409, "Conflict", $"Operation cannot be fulfilled on leases.coordination.k8s.io \"{name}\": the object has been modified; please apply your changes to the latest version and try again"),
            _ => JsonAsync(context, 200, written!),
        });
    }

    private async Task CreateLeaseAsync(HttpContext context, string @namespace)
    {
        var body = JsonNode.Parse(await ReadBodyAsync(context.Request))!.AsObject();
        var name = body["metadata"]!["name"]!.GetValue<string>();
        JsonNode? written = null;
        lock (_store)
        {
            if (!_leases.ContainsKey($"{@namespace}/{name}"))
            {
                body["metadata"]!["namespace"] = @namespace;
                body["metadata"]!["resourceVersion"] = (++_version).ToString(CultureInfo.InvariantCulture);
                _leases[$"{@namespace}/{name}"] = body;
                written = body.DeepClone();
            }
        }

        await (written is null
            ? StatusAsync(context, 409, "AlreadyExists", $"leases.coordination.k8s.io \"{name}\" already exists")
            : JsonAsync(context, 201, written));
    }

    private void Change(string uid, Action<JsonObject> change)
    {
        lock (_store)
        {
            var item = _events[uid];
            change(item);
            Write("MODIFIED", uid, item);
        }
    }

    private void Write(string type, string uid, JsonObject item)
    {
        lock (_store)
        {
            var version = ++_version;
            item["metadata"]!["resourceVersion"] = version.ToString(CultureInfo.InvariantCulture);
            _events[uid] = item;
            Record(type, item, version);
        }
    }

    // Called under _store.
    private void Record(string type, JsonObject item, long version)
    {
        var line = Line(type, item);
        var @namespace = item["metadata"]!["namespace"]!.GetValue<string>();
        _history.Add((version, @namespace, line));
        foreach (var watch in _watches.Where(w => Matches(item, w.Namespace)))
        {
            watch.Lines.Writer.TryWrite(line);
        }
    }

    private static bool Matches(JsonNode item, string? @namespace) =>
        @namespace is null || item["metadata"]!["namespace"]!.GetValue<string>() == @namespace;

    private static string Line(string type, JsonNode item) =>
        new JsonObject { ["type"] = type, ["object"] = item.DeepClone() }.ToJsonString();

    private static string Rfc3339(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);

    private static Task JsonAsync(HttpContext context, int status, JsonNode body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(body.ToJsonString());
    }

    private static Task StatusAsync(HttpContext context, int code, string reason, string message) =>
        JsonAsync(context, code, new JsonObject
        {
            ["kind"] = "Status",
            ["apiVersion"] = "v1",
            ["status"] = "Failure",
            ["message"] = message,
            ["reason"] = reason,
            ["code"] = code,
        });

    private sealed record Watch(string? Namespace, bool Bookmarks, Channel<string> Lines);
}
