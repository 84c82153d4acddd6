using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace LogSidecar.Injector.Hosting;

/// <summary>
/// Serves the webhook's certificate from PEM files and reloads it when they change (cert-manager
/// rotates them in place or through the kubelet's symlink swap). Every TLS handshake asks for
/// <see cref="Current"/>, which compares the files' stamps (cheap: two stats) and reloads on change;
/// a half-written pair fails to load and the previous certificate stays in use until the next try.
/// The certificate file may hold a chain (leaf first, then intermediates and the CA, as cert-manager
/// and the self-signed bootstrap write it); every certificate after the first is sent in the handshake,
/// so clients that know only the root can still build the path.
/// </summary>
internal sealed partial class CertificateStore : IDisposable
{
    private readonly string _certFile;
    private readonly string _keyFile;
    private readonly ILogger _logger;

    // Guards reloads so that concurrent handshakes load the files once. _current is read without it;
    // the stamp pairs are written only under it, and a torn read outside it at worst costs one extra check under the lock.
    private readonly Lock _reload = new();
    private volatile SslStreamCertificateContext? _current;
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

    /// <summary>The certificate and chain to present, reloaded first if the files changed.</summary>
    public SslStreamCertificateContext? Current
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

    public void Dispose() => _current?.TargetCertificate.Dispose();

    private bool TryLoad((FileStamp Cert, FileStamp Key) stamps, out string? error)
    {
        try
        {
            using var pem = X509Certificate2.CreateFromPemFile(_certFile, _keyFile);
            // Re-import so the private key is usable by SslStream on every platform.
            var certificate = X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
            var chain = new X509Certificate2Collection();
            chain.ImportFromPemFile(_certFile);
            chain.RemoveAt(0);
            // offline: the chain comes from the file; no fetching of issuers (AIA) from the network during a reload.
            var context = SslStreamCertificateContext.Create(certificate, chain, offline: true);
            var previous = _current;
            _current = context;
            _loaded = stamps;
            error = null;
            Log.Loaded(_logger, certificate.Subject, certificate.Thumbprint, certificate.NotAfter, context.IntermediateCertificates.Count);
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
        [LoggerMessage(1, LogLevel.Information, "Loaded TLS certificate {Subject} ({Thumbprint}), valid until {NotAfter:o}, with {ChainCount} chain certificate(s)")]
        public static partial void Loaded(ILogger logger, string subject, string thumbprint, DateTime notAfter, int chainCount);

        [LoggerMessage(2, LogLevel.Error, "Cannot load the TLS certificate from {CertFile} and {KeyFile}: {Reason}; keeping the previous one")]
        public static partial void LoadFailed(ILogger logger, string certFile, string keyFile, string reason);
    }
}
