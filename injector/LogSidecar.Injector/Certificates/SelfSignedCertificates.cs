using System.Security.Cryptography.X509Certificates;
using System.Text;
using k8s;
using LogSidecar.Injector.Configuration;

namespace LogSidecar.Injector.Certificates;

/// <summary>
/// One certificate check of the self-signed bootstrap: make sure the Secret holds a certificate that is valid
/// and not due (creating or renewing it if needed), put its CA into the webhooks' caBundle, and write it to the
/// files Kestrel serves. Several replicas run this at once; they converge on one Secret because every write is
/// conditional (create-if-absent, update-if-unchanged) and a lost race is followed by a fresh read.
/// </summary>
internal sealed partial class SelfSignedCertificates
{
    // Each round ends with a write or a read of what another replica wrote, so more than a few rounds means something is wrong.
    private const int Rounds = 5;

    private readonly SelfSignedOptions _options;
    private readonly ServingIdentity _identity;
    private readonly TlsSecretClient _secrets;
    private readonly CaBundlePatcher _caBundle;
    private readonly TlsFileWriter _files;
    private readonly CertificateIssuer _issuer;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public SelfSignedCertificates(InjectorOptions options, IKubernetes client, TimeProvider time, ILogger logger)
    {
        _options = options.SelfSigned;
        var @namespace = options.InjectorNamespace ?? throw new ArgumentException("injectorNamespace is required for selfSigned", nameof(options));
        _identity = new ServingIdentity(_options.ServiceName, @namespace);
        _secrets = new TlsSecretClient(client, @namespace, _options.SecretName);
        _caBundle = new CaBundlePatcher(client, _options.WebhookConfigurationName);
        _files = new TlsFileWriter(options.TlsCertFile, options.TlsKeyFile);
        _issuer = new CertificateIssuer(time, _options);
        _time = time;
        _logger = logger;
    }

    public async Task<CertificateSyncResult> SyncAsync(CancellationToken cancellationToken)
    {
        var conflicts = 0;
        for (var round = 0; round < Rounds; round++)
        {
            var read = await _secrets.ReadAsync(cancellationToken);
            if (read.Failure is { } readFailure)
            {
                return Failed(readFailure.Explain(), conflicts);
            }

            if (read.Value is not { } secret)
            {
                var fresh = _issuer.Issue(null, RenewalAction.NewCa, _identity);
                var created = await _secrets.CreateAsync(fresh, cancellationToken);
                if (created.Failure is { IsConflict: true })
                {
                    // Another replica created it between our read and our create: use theirs.
                    conflicts++;
                    Log.LostRace(_logger, "create", _options.SecretName);
                    continue;
                }

                if (created.Failure is { } createFailure)
                {
                    return Failed(createFailure.Explain(), conflicts);
                }

                Log.Created(_logger, _options.SecretName, _identity.CommonName);
                return await ApplyAsync(fresh, RenewalAction.NewCa, conflicts, cancellationToken);
            }

            var current = TlsMaterial.FromSecretData(secret.Data);
            var decision = RenewalPolicy.Decide(current, _identity, _time.GetUtcNow(), _options);
            if (decision.Action == RenewalAction.Keep)
            {
                return await ApplyAsync(current!, RenewalAction.Keep, conflicts, cancellationToken);
            }

            var renewed = _issuer.Issue(current, decision.Action, _identity);
            var replaced = await _secrets.ReplaceAsync(secret, renewed, cancellationToken);
            if (replaced.Failure is { IsConflict: true } or { IsNotFound: true })
            {
                // Another replica renewed (or someone deleted) the Secret after our read: decide again on what is there now.
                conflicts++;
                Log.LostRace(_logger, "update", _options.SecretName);
                continue;
            }

            if (replaced.Failure is { } replaceFailure)
            {
                return Failed(replaceFailure.Explain(), conflicts);
            }

            Log.Renewed(_logger, _options.SecretName, decision.Action, decision.Reason);
            return await ApplyAsync(renewed, decision.Action, conflicts, cancellationToken);
        }

        return Failed($"secret {_options.SecretName}: {Rounds} writes in a row lost to concurrent writers; is something else rewriting it?", conflicts);
    }

    private async Task<CertificateSyncResult> ApplyAsync(TlsMaterial material, RenewalAction action, int conflicts, CancellationToken cancellationToken)
    {
        // The bundle goes to the API server before the new certificate is served, so it never meets a certificate it cannot verify.
        var patched = await _caBundle.EnsureAsync(Encoding.ASCII.GetBytes(material.CaBundlePem), cancellationToken);
        if (patched.Failure is { } patchFailure)
        {
            Log.CaBundleFailed(_logger, patchFailure.Explain());
        }
        else if (patched.Value > 0)
        {
            Log.CaBundlePatched(_logger, _options.WebhookConfigurationName, patched.Value);
        }

        if (_files.Write(material, out var writeError) is not { } changed)
        {
            return Failed(writeError!, conflicts);
        }

        using var serving = X509Certificate2.CreateFromPem(material.CertificateChainPem);
        return new CertificateSyncResult
        {
            Action = action,
            Conflicts = conflicts,
            WebhooksPatched = patched.Value,
            CaBundleError = patched.Failure?.Explain(),
            FilesChanged = changed,
            ServingNotAfter = new DateTimeOffset(serving.NotAfter.ToUniversalTime(), TimeSpan.Zero),
        };
    }

    private static CertificateSyncResult Failed(string error, int conflicts) => new() { Error = error, Conflicts = conflicts };

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Created Secret {Secret} with a new CA and a serving certificate for {Name}")]
        public static partial void Created(ILogger logger, string secret, string name);

        [LoggerMessage(2, LogLevel.Information, "Updated Secret {Secret}: {Action} because {Reason}")]
        public static partial void Renewed(ILogger logger, string secret, RenewalAction action, string reason);

        [LoggerMessage(3, LogLevel.Information, "Another replica changed Secret {Secret} before our {Verb}; reading it again")]
        public static partial void LostRace(ILogger logger, string verb, string secret);

        [LoggerMessage(4, LogLevel.Information, "Patched caBundle of {Count} webhook(s) in MutatingWebhookConfiguration {Name}")]
        public static partial void CaBundlePatched(ILogger logger, string name, int count);

        [LoggerMessage(5, LogLevel.Warning, "Cannot update the webhooks' caBundle, retrying soon: {Reason}")]
        public static partial void CaBundleFailed(ILogger logger, string reason);
    }
}
