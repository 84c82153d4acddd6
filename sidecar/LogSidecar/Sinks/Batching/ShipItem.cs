using LogSidecar.Pipeline;

namespace LogSidecar.Sinks.Batching;

/// <summary>
/// One record encoded for a backend: where its bytes are in <see cref="ShipItems"/>, its time, the
/// group the protocol put it in (an index, a label set) and where it came from (its id and, for a
/// dead letter, the place to find it again).
/// </summary>
internal readonly record struct ShipItem(int Start, int Length, long TimeUnixNanos, int Group, RecordId Id, TrackedFile File);
