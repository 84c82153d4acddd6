using k8s;
using k8s.Models;
using LogSidecar.Injector.Watching;

namespace LogSidecar.Injector.Controller;

/// <summary>Hands the pods one watch of the <see cref="PodController"/> sees to it, named by <paramref name="source"/> so a relist forgets only its own.</summary>
internal sealed class PodWatchTarget(PodController controller, string source) : IListWatchTarget<V1Pod>
{
    private HashSet<string>? _listed;

    public void BeginList() => _listed = new HashSet<string>(StringComparer.Ordinal);

    public ValueTask ListedAsync(V1Pod item, CancellationToken cancellationToken)
    {
        _listed?.Add(item.Metadata.Uid);
        return controller.ObserveAsync(source, item, cancellationToken);
    }

    public void EndList()
    {
        controller.ForgetUnlisted(source, _listed ?? []);
        _listed = null;
    }

    public ValueTask ChangedAsync(WatchEventType type, V1Pod item, CancellationToken cancellationToken)
    {
        if (type == WatchEventType.Deleted)
        {
            controller.Forget(item.Metadata.Uid);
            return ValueTask.CompletedTask;
        }

        return controller.ObserveAsync(source, item, cancellationToken);
    }
}
