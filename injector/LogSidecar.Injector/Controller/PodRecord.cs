namespace LogSidecar.Injector.Controller;

/// <summary>
/// What the controller keeps of one opted-in pod between events (a hundred bytes or so, whatever the pod's size): where
/// it is, which watch delivers it, its state, what was last reported about it (so it is reported once, not at every
/// relist) and where its repair stands (so a repair that waited, or that its namespace turned on later, still happens).
/// </summary>
internal sealed record PodRecord(string Namespace, string Name, string Source, PodState State, string? Reported, RepairState Repair);
