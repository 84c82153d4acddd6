using System.Globalization;

namespace LogSidecar.Sources.Events;

/// <summary>
/// Where shipping events resumes: the resourceVersion up to which every change was delivered, and when this
/// process had seen that far (used after a <c>410 Gone</c>, when the resourceVersion is too old to watch from:
/// events last seen since then, less an overlap for clocks, are shipped again and the rest are known delivered).
/// Kept in an annotation of the Lease, so it survives restarts and goes to the next leader.
/// </summary>
internal readonly record struct EventsCheckpoint(string ResourceVersion, DateTimeOffset SeenAt)
{
    public string Format() => $"{ResourceVersion} {SeenAt.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)}";

    public static EventsCheckpoint? Parse(string? text)
    {
        var parts = text?.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return parts is [var version, var seconds] && long.TryParse(seconds, NumberStyles.None, CultureInfo.InvariantCulture, out var unix)
            ? new EventsCheckpoint(version, DateTimeOffset.FromUnixTimeSeconds(unix))
            : null;
    }

    /// <summary>The Lease annotation for a scope: every namespace, or one.</summary>
    public static string AnnotationKey(string? @namespace) =>
        @namespace is null ? "logsidecar.io/events-checkpoint" : $"logsidecar.io/events-checkpoint.{@namespace}";
}
