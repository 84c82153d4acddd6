using LogSidecar.Injector.Text;

namespace LogSidecar.Injector.Annotations;

/// <summary>
/// Checks mount paths and log globs: absolute, normalized, printable, and never where a mount would
/// shadow the sidecar image or the system. The volume is mounted at the same path in the app
/// containers and in the sidecar, so the <c>file</c> of every record is the path the app wrote.
/// </summary>
internal static class PathRules
{
    /// <summary>Longest mount path accepted: it is the prefix of every glob and of every record's file.</summary>
    public const int MaxMountPathLength = 256;

    /// <summary>Longest glob accepted.</summary>
    public const int MaxGlobLength = 1024;

    /// <summary>Where the sidecar image keeps its binary (Dockerfile.sidecar: WORKDIR /app, /app/logsidecar).</summary>
    public const string SidecarBinaryDirectory = "/app";

    // Mounting at or below these hides or breaks what the runtime, the kubelet or the image needs:
    // the kernel's views, the loader and libraries (/lib64 holds ld-linux), /run and /var/run (the
    // service-account token and the credentials the injector mounts live under /var/run/secrets),
    // and the sidecar's binary itself.
    private static readonly string[] ReservedTrees =
    [
        "/proc", "/sys", "/dev", "/etc", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/usr", "/boot",
        "/run", "/var/run", SidecarBinaryDirectory + "/logsidecar",
    ];

    // Mounting exactly here hides everything an image installed below (the sidecar's /app, /var with
    // /var/run, home directories, /opt); a directory below them, such as /var/log/app or /app/logs, is fine.
    private static readonly string[] ReservedDirectories = [SidecarBinaryDirectory, "/var", "/var/lib", "/root", "/home", "/opt", "/srv"];

    /// <summary>Null when <paramref name="path"/> is usable as a mount path, else what is wrong with it.</summary>
    public static string? CheckMountPath(string? path)
    {
        if (path is null)
        {
            return "is null; give an absolute directory such as /var/log/app";
        }

        var shown = ValueText.Quote(path);
        if (path.Length > MaxMountPathLength)
        {
            return $"{shown} is longer than {MaxMountPathLength} characters; give a short directory such as /var/log/app";
        }

        if (HasUnprintable(path))
        {
            return $"{shown} contains a control character (such as a newline); give a path such as /var/log/app";
        }

        if (!path.StartsWith('/'))
        {
            return $"{shown} is not absolute; give a path such as /var/log/app";
        }

        if (path == "/")
        {
            return "'/' would hide the container's whole filesystem; give a dedicated directory such as /var/log/app";
        }

        if (HasDotSegments(path) || path.Contains("//", StringComparison.Ordinal) || path.Contains(':', StringComparison.Ordinal))
        {
            return $"{shown} is not a normalized path (no '.', '..', '//' or ':'); give a path such as /var/log/app";
        }

        var normalized = Normalize(path);
        foreach (var reserved in ReservedTrees)
        {
            if (normalized == reserved || normalized.StartsWith(reserved + "/", StringComparison.Ordinal))
            {
                return $"{shown} is inside {reserved}, which the containers need; give a path such as /var/log/app";
            }
        }

        if (ReservedDirectories.Contains(normalized, StringComparer.Ordinal))
        {
            var why = normalized == SidecarBinaryDirectory ? "the sidecar's program" : "what the images keep there";
            return $"{shown} would hide {why}; give a directory below it, such as {normalized}/logs, or /var/log/app";
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

        var shown = ValueText.Quote(glob);
        if (glob.Length > MaxGlobLength)
        {
            problem = $"{shown} is longer than {MaxGlobLength} characters";
            return null;
        }

        if (HasUnprintable(glob))
        {
            problem = $"{shown} contains a control character (such as a newline)";
            return null;
        }

        if (HasDotSegments(glob))
        {
            problem = $"{shown} contains '.' or '..' segments; the sidecar only sees the shared volume at {mountPath}";
            return null;
        }

        if (!glob.StartsWith('/'))
        {
            return mountPath + "/" + glob;
        }

        if (!glob.StartsWith(mountPath + "/", StringComparison.Ordinal))
        {
            problem = $"{shown} is outside the shared volume {mountPath}; the sidecar would find nothing there. Write the logs under {mountPath} or change {AnnotationKeys.MountPath}";
            return null;
        }

        return glob;
    }

    private static bool HasUnprintable(string path) => path.Any(char.IsControl);

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
