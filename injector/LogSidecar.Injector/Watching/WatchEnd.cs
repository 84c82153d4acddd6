namespace LogSidecar.Injector.Watching;

/// <summary>How one watch request ended, which decides what <see cref="ListWatch{T}"/> does next.</summary>
internal enum WatchEnd
{
    /// <summary>The server closed the stream (its timeout): watch again from the last resourceVersion.</summary>
    Closed,

    /// <summary>410 Gone / Expired: the resourceVersion is older than the server keeps; list again.</summary>
    Gone,

    /// <summary>Transport or API error: back off, then watch again from the last resourceVersion.</summary>
    Failed,
}
