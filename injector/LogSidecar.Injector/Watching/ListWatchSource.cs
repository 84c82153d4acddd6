using k8s;

namespace LogSidecar.Injector.Watching;

/// <summary>
/// What a <see cref="ListWatch{T}"/> lists and watches: a page of the collection (continue token and limit in), and a
/// watch from a resourceVersion with bookmarks and a server-side timeout. <paramref name="Resource"/> and
/// <paramref name="Target"/> name it in messages ("pods", "labelled logsidecar.io/inject=true").
/// </summary>
internal sealed record ListWatchSource<T>(
    string Resource,
    string Target,
    Func<string?, int, CancellationToken, Task<ListPage<T>>> ListPage,
    Func<string, int, Action<Exception>, CancellationToken, IAsyncEnumerable<(WatchEventType Type, T Item)>> Watch)
{
    /// <summary>Items a list page asks for (client-go's informers ask for 500).</summary>
    public int PageSize { get; init; } = 500;
}
