using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using LogSidecar.Contracts.Configuration;
using Microsoft.Extensions.Logging;

namespace LogSidecar.Sources.Audit;

/// <summary>
/// Reads the certificate, key, client CA and token files, and reads them again every
/// <c>reloadIntervalMs</c>: when their content changed (cert-manager renewed the Secret, kubelet
/// swapped the mounted files) and the new content can be used, new connections get it; when it cannot
/// be used, the previous credentials stay, and the problem is reported and counted once per change,
/// when the change reads the same at two ticks in a row: a file caught half-written (a copy, an
/// editor's save) has changed again by the next tick and is no problem to report.
/// </summary>
internal sealed partial class CredentialWatch
{
    private readonly AuditSourceConfig _config;
    private readonly AuditMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger _log;
    private AuditCredentials _current;

    // The contents the current credentials were made from, the unusable change seen at the last tick and the one last
    // reported; only the reload loop touches them.
    private byte[]?[] _contents;
    private Unusable? _unusable;
    private Unusable? _reported;

    private CredentialWatch(AuditSourceConfig config, AuditCredentials current, byte[]?[] contents, AuditMetrics metrics, TimeProvider time, ILogger log)
    {
        _config = config;
        _current = current;
        _contents = contents;
        _metrics = metrics;
        _time = time;
        _log = log;
    }

    /// <summary>The credentials for a new connection.</summary>
    public AuditCredentials Current => Volatile.Read(ref _current);

    /// <summary>Reads and checks every file; null with a message naming the flag and the field when one cannot be used.</summary>
    public static CredentialWatch? TryLoad(AuditSourceConfig config, AuditMetrics metrics, TimeProvider time, ILogger log, out string? error)
    {
        var contents = Read(config, out error);
        var credentials = contents is null ? null : Build(config, contents, out error);
        return credentials is null ? null : new CredentialWatch(config, credentials, contents!, metrics, time, log);
    }

    public async Task RunAsync(CancellationToken stop)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(_config.ReloadIntervalMs), _time);
        try
        {
            while (await timer.WaitForNextTickAsync(stop))
            {
                Check();
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    /// <summary>Reads the files once and takes changed credentials into use when they can be used.</summary>
    public void Check()
    {
        var contents = Read(_config, out var error);
        if (contents is not null && Same(contents, _contents))
        {
            (_unusable, _reported) = (null, null); // back as they were: a later change is news again
            return;
        }

        var credentials = contents is null ? null : Build(_config, contents, out error);
        if (credentials is null)
        {
            var unusable = new Unusable(contents, error!);
            if (_unusable is { } before && unusable.Same(before) && (_reported is null || !unusable.Same(_reported)))
            {
                _reported = unusable;
                _metrics.ReloadFailed();
                Log.ReloadFailed(_log, error!);
            }

            _unusable = unusable;
            return;
        }

        _contents = contents!;
        (_unusable, _reported) = (null, null);
        Volatile.Write(ref _current, credentials);
        _metrics.Reloaded();
        Log.Reloaded(_log);
    }

    private static byte[]?[]? Read(AuditSourceConfig config, out string? error)
    {
        var files = Files(config);
        var contents = new byte[]?[files.Length];
        for (var i = 0; i < files.Length; i++)
        {
            var (flag, field, path) = files[i];
            if (path is null)
            {
                continue;
            }

            try
            {
                contents[i] = File.ReadAllBytes(path);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                error = $"{flag} (sources.audit.{field}): cannot read {path}: {e.Message}";
                return null;
            }
        }

        error = null;
        return contents;
    }

    private static (string Flag, string Field, string? Path)[] Files(AuditSourceConfig config) =>
    [
        ("--tls-cert", "tlsCert", config.TlsCert),
        ("--tls-key", "tlsKey", config.TlsKey),
        ("--client-ca", "clientCa", config.ClientCa),
        ("--audit-token-file", "tokenFile", config.TokenFile),
    ];

    private static AuditCredentials? Build(AuditSourceConfig config, byte[]?[] contents, out string? error)
    {
        var certPem = Encoding.UTF8.GetString(contents[0]!);
        var keyPem = Encoding.UTF8.GetString(contents[1]!);
        SslStreamCertificateContext server;
        try
        {
            var chain = new X509Certificate2Collection();
            chain.ImportFromPem(certPem);
            if (chain.Count == 0)
            {
                error = $"--tls-cert (sources.audit.tlsCert): {config.TlsCert} holds no PEM certificate; give the server certificate (tls.crt of a kubernetes.io/tls Secret)";
                return null;
            }

            using var withKey = X509Certificate2.CreateFromPem(certPem, keyPem);

            // Re-imported: a key that only lives in memory cannot serve TLS on every platform.
            var leaf = X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null);
            var intermediates = new X509Certificate2Collection();
            for (var i = 1; i < chain.Count; i++)
            {
                intermediates.Add(chain[i]);
            }

            server = SslStreamCertificateContext.Create(leaf, intermediates, offline: true);
        }
        catch (CryptographicException e)
        {
            error = $"--tls-cert and --tls-key (sources.audit.tlsCert, tlsKey): {config.TlsCert} and {config.TlsKey} are not a PEM certificate and its private key ({e.Message}); give tls.crt and tls.key of the same certificate";
            return null;
        }

        X509Certificate2Collection? cas = null;
        if (contents[2] is { } caBytes)
        {
            cas = [];
            try
            {
                cas.ImportFromPem(Encoding.UTF8.GetString(caBytes));
            }
            catch (CryptographicException e)
            {
                error = $"--client-ca (sources.audit.clientCa): {config.ClientCa} is not PEM ({e.Message}); give the CA certificate that signed the API server's client certificate";
                return null;
            }

            if (cas.Count == 0)
            {
                error = $"--client-ca (sources.audit.clientCa): {config.ClientCa} holds no PEM certificate; give the CA certificate that signed the API server's client certificate";
                return null;
            }
        }

        byte[]? token = null;
        if (contents[3] is { } tokenBytes)
        {
            var text = Encoding.UTF8.GetString(tokenBytes).Trim();
            if (text.Length == 0)
            {
                error = $"--audit-token-file (sources.audit.tokenFile): {config.TokenFile} is empty; write the token the API server's webhook kubeconfig sends";
                return null;
            }

            token = AuditCredentials.HashToken(text);
        }

        error = null;
        return new AuditCredentials(server, cas, token);
    }

    /// <summary>Files that could not be used: their contents, or null when one could not be read, and why.</summary>
    private sealed record Unusable(byte[]?[]? Contents, string Error)
    {
        public bool Same(Unusable other) => Contents is null || other.Contents is null
            ? Contents is null && other.Contents is null && Error == other.Error
            : CredentialWatch.Same(Contents, other.Contents);
    }

    private static bool Same(byte[]?[] a, byte[]?[] b)
    {
        for (var i = 0; i < a.Length; i++)
        {
            if (!(a[i] ?? []).AsSpan().SequenceEqual(b[i] ?? []) || (a[i] is null) != (b[i] is null))
            {
                return false;
            }
        }

        return true;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 110, Level = LogLevel.Information, Message = "Audit endpoint credentials changed on disk and are used for new connections")]
        public static partial void Reloaded(ILogger logger);

        [LoggerMessage(EventId = 111, Level = LogLevel.Error, Message = "Audit endpoint credentials changed on disk but cannot be used, the previous ones stay in use: {Reason}")]
        public static partial void ReloadFailed(ILogger logger, string reason);
    }
}
