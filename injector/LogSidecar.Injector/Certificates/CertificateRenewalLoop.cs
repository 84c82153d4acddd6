namespace LogSidecar.Injector.Certificates;

/// <summary>
/// Runs <see cref="SelfSignedCertificates.SyncAsync"/> every <see cref="CheckInterval"/> (sooner, every
/// <see cref="RetryInterval"/>, after a failed check) on a <see cref="TimeProvider"/>, so that certificates are
/// renewed before they expire and replicas pick up what another replica renewed.
/// </summary>
internal sealed partial class CertificateRenewalLoop
{
    public static readonly TimeSpan CheckInterval = TimeSpan.FromHours(1);
    public static readonly TimeSpan RetryInterval = TimeSpan.FromMinutes(1);

    private readonly SelfSignedCertificates _certificates;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Action<CertificateSyncResult>? _checked;

    /// <summary>Creates the loop; <paramref name="checked"/> is called after each check (tests wait on it instead of on the clock).</summary>
    public CertificateRenewalLoop(SelfSignedCertificates certificates, TimeProvider time, ILogger logger, Action<CertificateSyncResult>? @checked = null)
    {
        _certificates = certificates;
        _time = time;
        _logger = logger;
        _checked = @checked;
    }

    /// <summary>Checks until <paramref name="cancellationToken"/> is cancelled; <paramref name="first"/> is the result of the check made at start.</summary>
    public async Task RunAsync(CertificateSyncResult first, CancellationToken cancellationToken)
    {
        var wait = Task.Delay(first.Succeeded ? CheckInterval : RetryInterval, _time, cancellationToken);
        while (true)
        {
            try
            {
                await wait;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }

            CertificateSyncResult result;
            try
            {
                result = await _certificates.SyncAsync(cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // A bug or an unexpected failure must not end the loop: the certificate would then silently expire.
                result = new CertificateSyncResult { Error = $"{e.GetType().Name}: {e.Message}" };
            }

            if (result.Error is { } error)
            {
                // The files keep the last good certificate, and Kestrel keeps serving it: log and try again soon.
                Log.CheckFailed(_logger, error, RetryInterval);
            }
            else if (result.FilesChanged)
            {
                Log.Replaced(_logger, result.Action, result.ServingNotAfter);
            }

            // The next wait is scheduled before the observer runs, so an observer that moves a fake clock on is seen by it.
            wait = Task.Delay(result.Succeeded ? CheckInterval : RetryInterval, _time, cancellationToken);
            _checked?.Invoke(result);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Error, "Certificate check failed, retrying in {Delay}: {Reason}")]
        public static partial void CheckFailed(ILogger logger, string reason, TimeSpan delay);

        [LoggerMessage(2, LogLevel.Information, "Serving a new certificate ({Action}), valid until {NotAfter:o}")]
        public static partial void Replaced(ILogger logger, RenewalAction action, DateTimeOffset notAfter);
    }
}
