using k8s;

namespace LogSidecar.Injector.Watching;

/// <summary>
/// Where a <see cref="ListWatch{T}"/> delivers what it sees. A list comes as <see cref="BeginList"/>, every item of
/// every page, then <see cref="EndList"/>, which forgets what the list did not show (deleted while no watch was open);
/// after it, watch events one by one. Bookmarks are not delivered (they carry no object).
/// </summary>
internal interface IListWatchTarget<in T>
{
    void BeginList();

    ValueTask ListedAsync(T item, CancellationToken cancellationToken);

    void EndList();

    ValueTask ChangedAsync(WatchEventType type, T item, CancellationToken cancellationToken);
}
