using LogSidecar.Sources.Kubernetes;

namespace LogSidecar.Sources.Events;

/// <summary>
/// What the Events source watches and how it shares the work: <see cref="Namespaces"/> (empty: every
/// namespace), events older than <see cref="MaxEventAge"/> not shipped on the very first start, and the Lease
/// that elects one shipper among replicas and keeps the checkpoint (null: no election, checkpoint in memory).
/// </summary>
internal sealed record EventsOptions(string Stream, IReadOnlyList<string> Namespaces, TimeSpan MaxEventAge, LeaseOptions? Lease)
{
    /// <summary>How often delivered checkpoints are handed to the Lease (written with its next renewal).</summary>
    public TimeSpan CheckpointInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How long, once stopping, delivery of what was shipped is waited for before the last checkpoint is written.</summary>
    public TimeSpan DrainTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The scopes watched: null for every namespace, else each namespace.</summary>
    public IReadOnlyList<string?> Scopes => Namespaces.Count == 0 ? [null] : [.. Namespaces];
}
