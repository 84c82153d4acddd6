namespace LogSidecar.Injector.Controller;

/// <summary>Where the repair of a reported pod stands.</summary>
internal enum RepairState
{
    /// <summary>Not repaired: nothing to repair, or repair was off for its namespace when last judged (it is judged again when the namespace changes).</summary>
    Off,

    /// <summary>Repair is wanted or not yet known, and waits: the namespace cache has not listed yet, or the webhook has no ready endpoint.</summary>
    Waiting,

    /// <summary>
    /// Held by controller.maxRestartsPerHour, or its restart failed on the way to the API server: tried again (the pods
    /// are listed again) when the hour allows a restart, or a minute after the failure.
    /// </summary>
    Deferred,

    /// <summary>Acted on: its workload restarted, held by restartIntervalMinutes (a person must act), being replaced already, or it has none to restart.</summary>
    Done,
}
