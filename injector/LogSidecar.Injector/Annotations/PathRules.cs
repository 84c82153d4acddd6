namespace LogSidecar.Injector.Annotations;

/// <summary>Checks mount paths and log globs: absolute, normalized, and inside the shared volume.</summary>
internal static class PathRules
{
    // Mounting over these would hide what the container runtime or the kubelet puts there.
    private static readonly string[] Reserved = ["/proc", "/sys", "/dev", "/etc", "/bin", "/sbin", "/lib", "/usr", "/var/run/secrets", "/run/secrets"];

    /// <summary>Null when <paramref name="path"/> is usable as a mount path, else what is wrong with it.</summary>
    public static string? CheckMountPath(string path)
    {
        if (!path.StartsWith('/'))
        {
            return $"'{path}' is not absolute; give a path such as /var/log/app";
        }

        if (path == "/")
        {
            return "'/' would hide the container's whole filesystem; give a dedicated directory such as /var/log/app";
        }

        if (HasDotSegments(path) || path.Contains("//", StringComparison.Ordinal) || path.Contains(':', StringComparison.Ordinal))
        {
            return $"'{path}' is not a normalized path (no '.', '..', '//' or ':'); give a path such as /var/log/app";
        }

        var normalized = Normalize(path);
        foreach (var reserved in Reserved)
        {
            if (normalized == reserved || normalized.StartsWith(reserved + "/", StringComparison.Ordinal))
            {
                return $"'{path}' is inside {reserved}, which the container needs; give a path such as /var/log/app";
            }
        }

        return null;
    }

    /// <summary>Removes a trailing slash.</summary>
    public static string Normalize(string path) => path.Length > 1 ? path.TrimEnd('/') : path;

    /// <summary>
    /// Resolves a glob against the mount path: relative globs are taken under it, absolute ones must
    /// lie inside it. Returns null and sets <paramref name="problem"/> when the glob is unusable.
    /// </summary>
    public static string? ResolveGlob(string glob, string mountPath, out string? problem)
    {
        problem = null;
        if (glob.Length == 0)
        {
            problem = "an empty glob";
            return null;
        }

        if (HasDotSegments(glob))
        {
            problem = $"'{glob}' contains '.' or '..' segments; the sidecar only sees the shared volume at {mountPath}";
            return null;
        }

        if (!glob.StartsWith('/'))
        {
            return mountPath + "/" + glob;
        }

        if (!glob.StartsWith(mountPath + "/", StringComparison.Ordinal))
        {
            problem = $"'{glob}' is outside the shared volume {mountPath}; the sidecar would find nothing there. Write the logs under {mountPath} or change logsidecar.io/mount-path";
            return null;
        }

        return glob;
    }

    private static bool HasDotSegments(string path)
    {
        foreach (var segment in path.Split('/'))
        {
            if (segment is "." or "..")
            {
                return true;
            }
        }

        return false;
    }
}
