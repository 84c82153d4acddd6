namespace LogSidecar.Sources.Kubernetes;

/// <summary>The access to a cluster, or why it could not be worked out (a message that says what to change).</summary>
internal sealed record ClusterAccessResult(ClusterAccess? Access, string? Error)
{
    public static ClusterAccessResult Ok(ClusterAccess access) => new(access, null);

    public static ClusterAccessResult Fail(string error) => new(null, error);
}
