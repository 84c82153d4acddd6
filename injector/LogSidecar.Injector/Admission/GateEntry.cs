namespace LogSidecar.Injector.Admission;

/// <summary>How a request fared at the <see cref="AdmissionGate"/>.</summary>
internal enum GateEntry
{
    /// <summary>It holds a slot and must give it back.</summary>
    Entered,

    /// <summary>Every slot was busy and the queue was full.</summary>
    QueueFull,

    /// <summary>It waited as long as the API server would and got no slot.</summary>
    TimedOut,

    /// <summary>The client went away while it waited.</summary>
    Aborted,
}
