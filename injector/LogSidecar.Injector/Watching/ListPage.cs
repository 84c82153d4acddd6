namespace LogSidecar.Injector.Watching;

/// <summary>One page of a list: its items, the collection's resourceVersion (the snapshot every page comes from) and the token of the next page.</summary>
internal sealed record ListPage<T>(IList<T> Items, string? ResourceVersion, string? Continue);
