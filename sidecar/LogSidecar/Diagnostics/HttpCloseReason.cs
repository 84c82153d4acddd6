namespace LogSidecar.Diagnostics;

/// <summary>Why the health server closed a connection before answering it.</summary>
internal enum HttpCloseReason
{
    /// <summary>More than <see cref="HealthServer.MaxConnections"/> were open: the oldest one still waiting for its request was closed.</summary>
    OverLimit,

    /// <summary>The request did not arrive (or the answer was not taken) within <see cref="HealthServer.RequestTimeout"/>.</summary>
    Timeout,
}
