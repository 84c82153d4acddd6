using System.Globalization;
using System.Text;
using LogSidecar.Diagnostics;

namespace LogSidecar.Sources.Audit;

/// <summary>
/// The audit webhook's counters, rendered with the sidecar's metrics. Answers are counted by status
/// code from the fixed set the endpoint gives, so the label stays bounded whatever clients send.
/// </summary>
internal sealed class AuditMetrics
{
    /// <summary>Every status code the endpoint answers with; their series exist from the start, at 0.</summary>
    public static readonly IReadOnlyList<int> Codes = [200, 400, 401, 403, 405, 411, 413, 429, 431, 503];

    private readonly long[] _requests = new long[Codes.Count];
    private long _events;
    private long _bytes;
    private long _handshakeFailures;
    private long _filesRemoved;
    private long _reloads;
    private long _reloadFailures;
    private long _connectionsRefused;

    public void Answered(int code) => Interlocked.Increment(ref _requests[IndexOf(code)]);

    public void Spooled(int events, long bytes)
    {
        Interlocked.Add(ref _events, events);
        Interlocked.Add(ref _bytes, bytes);
    }

    public void HandshakeFailed() => Interlocked.Increment(ref _handshakeFailures);

    public void ConnectionRefused() => Interlocked.Increment(ref _connectionsRefused);

    public void FileRemoved() => Interlocked.Increment(ref _filesRemoved);

    public void Reloaded() => Interlocked.Increment(ref _reloads);

    public void ReloadFailed() => Interlocked.Increment(ref _reloadFailures);

    public long Requests(int code) => Interlocked.Read(ref _requests[IndexOf(code)]);

    /// <summary>The families, with the spool's size read now from <paramref name="spoolBytes"/> and <paramref name="spoolFiles"/>.</summary>
    public void Render(StringBuilder text, long spoolBytes, long spoolFiles)
    {
        text.Append("# HELP logsidecar_audit_requests_total Requests to the audit webhook endpoint, by the status code answered.\n");
        text.Append("# TYPE logsidecar_audit_requests_total counter\n");
        for (var i = 0; i < Codes.Count; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"logsidecar_audit_requests_total{{code=\"{Codes[i]}\"}} {Interlocked.Read(ref _requests[i])}\n");
        }

        SidecarMetrics.Counter(text, "logsidecar_audit_events_spooled_total", "Audit events written to the spool and flushed to disk before the batch was answered 200.", Interlocked.Read(ref _events));
        SidecarMetrics.Counter(text, "logsidecar_audit_spooled_bytes_total", "Bytes written to the spool.", Interlocked.Read(ref _bytes));
        SidecarMetrics.Counter(text, "logsidecar_audit_tls_handshake_failures_total", "Connections to the audit endpoint whose TLS handshake failed or timed out.", Interlocked.Read(ref _handshakeFailures));
        SidecarMetrics.Counter(text, "logsidecar_audit_connections_refused_total", "Connections closed at once because the endpoint already had its maximum open.", Interlocked.Read(ref _connectionsRefused));
        SidecarMetrics.Counter(text, "logsidecar_audit_spool_files_removed_total", "Spool files removed after the checkpoint showed them delivered.", Interlocked.Read(ref _filesRemoved));
        SidecarMetrics.Counter(text, "logsidecar_audit_credential_reloads_total", "Changes of the certificate, key, CA or token files taken into use.", Interlocked.Read(ref _reloads));
        SidecarMetrics.Counter(text, "logsidecar_audit_credential_reload_failures_total", "Changed credential files that could not be used; the previous credentials stay in use.", Interlocked.Read(ref _reloadFailures));
        text.Append(CultureInfo.InvariantCulture, $"# HELP logsidecar_audit_spool_bytes Bytes in the spool (at most sources.audit.spoolMaxBytes), delivered or not.\n# TYPE logsidecar_audit_spool_bytes gauge\nlogsidecar_audit_spool_bytes {spoolBytes}\n");
        text.Append(CultureInfo.InvariantCulture, $"# HELP logsidecar_audit_spool_files Spool files not removed yet.\n# TYPE logsidecar_audit_spool_files gauge\nlogsidecar_audit_spool_files {spoolFiles}\n");
    }

    /// <summary>The position of <paramref name="code"/> in <see cref="Codes"/>.</summary>
    public static int IndexOf(int code)
    {
        for (var i = 0; i < Codes.Count; i++)
        {
            if (Codes[i] == code)
            {
                return i;
            }
        }

        throw new ArgumentOutOfRangeException(nameof(code), code, "not a code the audit endpoint answers with");
    }
}
