using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace LogSidecar.Injector.Hosting;

/// <summary>
/// Serves the webhook's certificate from PEM files and reloads it when they change (cert-manager
/// rotates them in place or through the kubelet's symlink swap). Every TLS handshake asks for
/// <see cref="Current"/>, which compares the files' stamps (cheap: two stats) and reloads on change;
/// a half-written pair fails to load and the previous certificate stays in use until the next try.
/// </summary>
internal sealed partial class CertificateStore : IDisposable
{
    private readonly string _certFile;
    private readonly string _keyFile;
    private readonly ILogger _logger;

    // Guards reloads so that concurrent handshakes load the files once. _current is read without it;
    // the stamp pairs are written only under it, and a torn read outside it at worst costs one extra check under the lock.
    private readonly Lock _reload = new();
    private volatile X509Certificate2? _current;
    private (FileStamp Cert, FileStamp Key) _loaded;
    private (FileStamp Cert, FileStamp Key) _lastFailure;

    public CertificateStore(string certFile, string keyFile, ILogger logger)
    {
        _certFile = certFile;
        _keyFile = keyFile;
        _logger = logger;
    }

    /// <summary>True once a certificate has been loaded.</summary>
    public bool IsLoaded => _current is not null;

    /// <summary>The certificate to present, reloaded first if the files changed.</summary>
    public X509Certificate2? Current
    {
        get
        {
            var stamps = (FileStamp.Of(_certFile), FileStamp.Of(_keyFile));
            if (stamps == _loaded || stamps == _lastFailure)
            {
                return _current;
            }

            lock (_reload)
            {
                if (stamps != _loaded && stamps != _lastFailure)
                {
                    TryLoad(stamps, out _);
                }

                return _current;
            }
        }
    }

    /// <summary>Loads the files now; used at start, where a failure stops the injector.</summary>
    public bool TryLoadNow(out string? error)
    {
        lock (_reload)
        {
            return TryLoad((FileStamp.Of(_certFile), FileStamp.Of(_keyFile)), out error);
        }
    }

    public void Dispose() => _current?.Dispose();

    private bool TryLoad((FileStamp Cert, FileStamp Key) stamps, out string? error)
    {
        try
        {
            using var pem = X509Certificate2.CreateFromPemFile(_certFile, _keyFile);
            // Re-import so the private key is usable by SslStream on every platform.
            var certificate = X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
            var previous = _current;
            _current = certificate;
            _loaded = stamps;
            error = null;
            Log.Loaded(_logger, certificate.Subject, certificate.Thumbprint, certificate.NotAfter);
            // The previous certificate may still be in use by a handshake in flight; let the GC finalize it.
            _ = previous;
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException or ArgumentException)
        {
            _lastFailure = stamps;
            error = $"cannot load the TLS certificate from {_certFile} and {_keyFile}: {e.Message}";
            Log.LoadFailed(_logger, _certFile, _keyFile, e.Message);
            return false;
        }
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Loaded TLS certificate {Subject} ({Thumbprint}), valid until {NotAfter:o}")]
        public static partial void Loaded(ILogger logger, string subject, string thumbprint, DateTime notAfter);

        [LoggerMessage(2, LogLevel.Error, "Cannot load the TLS certificate from {CertFile} and {KeyFile}: {Reason}; keeping the previous one")]
        public static partial void LoadFailed(ILogger logger, string certFile, string keyFile, string reason);
    }
}
