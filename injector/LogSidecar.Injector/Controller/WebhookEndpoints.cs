using k8s;
using k8s.Models;
using LogSidecar.Injector.Watching;

namespace LogSidecar.Injector.Controller;

/// <summary>
/// Whether the webhook can answer admission requests now: its Service has at least one ready endpoint. Read the way
/// the API documents it: discovery.k8s.io/v1 EndpointSlices labelled <c>kubernetes.io/service-name=&lt;service&gt;</c>
/// in the injector's namespace, listed then watched by <see cref="ListWatch{T}"/>. An endpoint counts when
/// <c>conditions.ready</c> is true or absent ("a nil value indicates an unknown state; consumers should interpret
/// this unknown state as ready"); a terminating one is never ready. The same pod in two slices (dual stack) counts
/// once. Kept: the ready endpoints' keys per slice, a few strings for the injector's few replicas. The EndpointSlice
/// controller gives every Service with a selector at least one slice (empty while no pod is Ready), so no slice at all
/// means the Service named does not exist in that namespace (or has no selector, or the webhook is called by URL):
/// the reason then says to set <c>controller.webhookServiceName</c> or <c>controller.webhookByUrl</c>.
/// </summary>
internal sealed class WebhookEndpoints : IListWatchTarget<V1EndpointSlice>
{
    public const string ServiceNameLabel = "kubernetes.io/service-name";

    private readonly ListWatch<V1EndpointSlice> _watch;
    private readonly string _namespace;
    private readonly string _name;

    // Replaced whole by the one watch loop (copy on write), read by anyone: readers never see a slice half updated.
    private volatile Dictionary<string, string[]> _slices = new(StringComparer.Ordinal);
    private Dictionary<string, string[]>? _listing;
    private volatile bool _known;
    private volatile bool _ready;
    private volatile bool _sliced;

    public WebhookEndpoints(IKubernetes client, string @namespace, string service, TimeProvider time, ILogger logger)
    {
        Service = $"{@namespace}/{service}";
        _namespace = @namespace;
        _name = service;
        var selector = $"{ServiceNameLabel}={service}";
        _watch = new ListWatch<V1EndpointSlice>(
            new ListWatchSource<V1EndpointSlice>(
                "endpointslices",
                $"namespace {@namespace}, labelled {selector}",
                async (continueToken, limit, token) =>
                {
                    var list = await client.DiscoveryV1.ListNamespacedEndpointSliceAsync(@namespace, labelSelector: selector, limit: limit, continueParameter: continueToken, cancellationToken: token);
                    return new ListPage<V1EndpointSlice>(list.Items ?? [], list.Metadata?.ResourceVersion, list.Metadata?.ContinueProperty);
                },
                (resourceVersion, timeoutSeconds, onError, token) => client.DiscoveryV1.WatchListNamespacedEndpointSliceAsync(
                    @namespace, allowWatchBookmarks: true, labelSelector: selector, resourceVersion: resourceVersion, timeoutSeconds: timeoutSeconds, onError: onError, cancellationToken: token)),
            this,
            time,
            logger);
    }

    /// <summary>
    /// Raised on the watch's task with <see cref="IsReady"/> after the first list, and whenever it or
    /// <see cref="NotReadyReason"/>'s kind (no slice, no ready endpoint) changes after that.
    /// </summary>
    public event Action<bool>? Changed;

    /// <summary>namespace/name of the webhook's Service.</summary>
    public string Service { get; }

    /// <summary>True while the Service has a ready endpoint (false until the first list).</summary>
    public bool IsReady => _ready;

    /// <summary>Distinct ready endpoints of the Service now.</summary>
    public int ReadyEndpoints => _slices.Values.SelectMany(keys => keys).Distinct(StringComparer.Ordinal).Count();

    /// <summary>Why the EndpointSlices could not be read, until a list succeeds.</summary>
    public string? LastError => _watch.LastError;

    /// <summary>Why repair cannot restart a workload now, or null when the webhook can answer.</summary>
    public string? NotReadyReason() => _ready
        ? null
        : _watch.LastError is { } error
            ? $"the EndpointSlices of the webhook Service {Service} cannot be read ({error}), so whether the webhook can answer is not known"
            : !_known
                ? $"the EndpointSlices of the webhook Service {Service} have not been listed yet"
                : _sliced
                    ? $"the webhook Service {Service} has no ready endpoint, so pods created now would be admitted without the sidecar again (failurePolicy Ignore); it waits until an injector replica is Ready (kubectl -n {_namespace} get pods; kubectl -n {_namespace} get endpointslices -l {ServiceNameLabel}={_name})"
                    : $"no EndpointSlice in namespace {_namespace} is labelled {ServiceNameLabel}={_name}: Service {_name} is not found in namespace {_namespace} (or it has no selector), so whether the webhook can answer is not known. Set controller.webhookServiceName to the Service that the MutatingWebhookConfiguration's clientConfig.service names (it must be in namespace {_namespace}), or, if it calls the webhook by clientConfig.url, set controller.webhookByUrl to true";

    /// <summary>Lists and watches until <paramref name="cancellationToken"/> is cancelled.</summary>
    public Task RunAsync(CancellationToken cancellationToken) => _watch.RunAsync(cancellationToken);

    void IListWatchTarget<V1EndpointSlice>.BeginList() => _listing = new Dictionary<string, string[]>(StringComparer.Ordinal);

    ValueTask IListWatchTarget<V1EndpointSlice>.ListedAsync(V1EndpointSlice item, CancellationToken cancellationToken)
    {
        if (_listing is not null && item.Metadata?.Name is { } name)
        {
            _listing[name] = ReadyKeys(item);
        }

        return ValueTask.CompletedTask;
    }

    void IListWatchTarget<V1EndpointSlice>.EndList()
    {
        // A list replaces everything: slices deleted while no watch was open are gone with it.
        var listed = _listing ?? new Dictionary<string, string[]>(StringComparer.Ordinal);
        _listing = null;
        Publish(listed, first: !_known);
    }

    ValueTask IListWatchTarget<V1EndpointSlice>.ChangedAsync(WatchEventType type, V1EndpointSlice item, CancellationToken cancellationToken)
    {
        var slices = new Dictionary<string, string[]>(_slices, StringComparer.Ordinal);
        if (type == WatchEventType.Deleted)
        {
            slices.Remove(item.Metadata.Name);
        }
        else
        {
            slices[item.Metadata.Name] = ReadyKeys(item);
        }

        Publish(slices, first: false);
        return ValueTask.CompletedTask;
    }

    private void Publish(Dictionary<string, string[]> slices, bool first)
    {
        _slices = slices;
        var ready = slices.Values.Any(keys => keys.Length > 0);
        var sliced = slices.Count > 0;
        var changed = ready != _ready || sliced != _sliced;
        _ready = ready;
        _sliced = sliced;
        _known = true;
        if (first || changed)
        {
            Changed?.Invoke(ready);
        }
    }

    /// <summary>A key per ready endpoint: the pod it is (targetRef), else its first address.</summary>
    private static string[] ReadyKeys(V1EndpointSlice slice) =>
        [.. (slice.Endpoints ?? [])
            .Where(endpoint => endpoint.Conditions?.Ready ?? true)
            .Select(endpoint => endpoint.TargetRef?.Uid ?? endpoint.TargetRef?.Name ?? endpoint.Addresses?.FirstOrDefault() ?? "")];
}
