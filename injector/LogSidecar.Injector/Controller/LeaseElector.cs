using k8s;
using k8s.Models;
using LogSidecar.Injector.Certificates;
using LogSidecar.Injector.Configuration;
using LogSidecar.Injector.Diagnostics;

namespace LogSidecar.Injector.Controller;

/// <summary>
/// Leader election with a coordination.k8s.io/v1 Lease, as client-go's leaderelection does it: a replica holds the
/// lease while it renews <c>spec.renewTime</c> every retry period; another takes it (new holderIdentity and
/// acquireTime, leaseTransitions + 1) only once the holder has not renewed it for <c>leaseDurationSeconds</c>, measured
/// on the observer's own clock from when it last saw the record change (so clock skew between nodes does not matter).
/// Every write carries the resourceVersion read, so of two replicas racing for one lease the API server lets one win
/// and answers the other 409 Conflict. The leader stops leading (its work is cancelled) when it could not renew for
/// the renew deadline, before anyone else may take over; on shutdown it releases the lease for a fast handover.
/// </summary>
internal sealed partial class LeaseElector
{
    private readonly IKubernetes _client;
    private readonly string _namespace;
    private readonly string _identity;
    private readonly ControllerOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly RepeatLimiter _repeats;

    // The lease record as last read, and when (monotonic timestamp) it last changed: only the election loop writes them.
    private string? _observedRecord;
    private long _observedAt;
    private volatile bool _leading;
    private long _acquisitions;

    public LeaseElector(IKubernetes client, string @namespace, string identity, ControllerOptions options, TimeProvider time, ILogger logger)
    {
        _client = client;
        _namespace = @namespace;
        _identity = identity;
        _options = options;
        _time = time;
        _logger = logger;
        _repeats = new RepeatLimiter(time, TimeSpan.FromMinutes(1));
    }

    /// <summary>This replica holds the lease now.</summary>
    public bool IsLeader => _leading;

    /// <summary>Times this replica took the lease.</summary>
    public long Acquisitions => Interlocked.Read(ref _acquisitions);

    public string Identity => _identity;

    /// <summary>Set by the last read: another replica holds a lease that has not expired.</summary>
    private bool HeldByOther { get; set; }

    private TimeSpan RetryPeriod => TimeSpan.FromSeconds(_options.RetryPeriodSeconds);

    /// <summary>Runs <paramref name="lead"/> whenever this replica holds the lease, until <paramref name="cancellationToken"/> is cancelled.</summary>
    public async Task RunAsync(Func<CancellationToken, Task> lead, CancellationToken cancellationToken)
    {
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                if (!await TryAcquireOrRenewAsync(cancellationToken))
                {
                    await Task.Delay(RetryPeriod, _time, cancellationToken);
                    continue;
                }

                await LeadAsync(lead, cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Shutting down.
        }
        finally
        {
            if (_leading)
            {
                _leading = false;
                await ReleaseAsync();
            }
        }
    }

    private async Task LeadAsync(Func<CancellationToken, Task> lead, CancellationToken cancellationToken)
    {
        _leading = true;
        Interlocked.Increment(ref _acquisitions);
        Log.Leading(_logger, _identity, _namespace, _options.LeaseName);
        using var leading = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var work = lead(leading.Token);
        var renewed = _time.GetTimestamp();
        try
        {
            while (true)
            {
                await Task.Delay(RetryPeriod, _time, cancellationToken);
                if (await TryAcquireOrRenewAsync(cancellationToken))
                {
                    renewed = _time.GetTimestamp();
                }
                else if (_time.GetElapsedTime(renewed) >= TimeSpan.FromSeconds(_options.RenewDeadlineSeconds) || HeldByOther)
                {
                    Log.Lost(_logger, _identity, _options.RenewDeadlineSeconds);
                    return;
                }
            }
        }
        finally
        {
            // Stop acting before anyone else may start: the lease is only taken over after leaseDurationSeconds.
            if (!cancellationToken.IsCancellationRequested)
            {
                _leading = false;
            }

            await leading.CancelAsync();
            await AwaitQuietly(work);
        }
    }

    private async Task<bool> TryAcquireOrRenewAsync(CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow().UtcDateTime;
        var read = await KubernetesApi.CallAsync(() => _client.CoordinationV1.ReadNamespacedLeaseAsync(_options.LeaseName, _namespace, cancellationToken: cancellationToken), "get", "leases", $"{_namespace}/{_options.LeaseName}");
        if (read.Failure is { IsNotFound: true })
        {
            var created = await KubernetesApi.CallAsync(
                () => _client.CoordinationV1.CreateNamespacedLeaseAsync(
                    new V1Lease
                    {
                        Metadata = new V1ObjectMeta { Name = _options.LeaseName, NamespaceProperty = _namespace },
                        Spec = new V1LeaseSpec { HolderIdentity = _identity, LeaseDurationSeconds = _options.LeaseDurationSeconds, AcquireTime = now, RenewTime = now, LeaseTransitions = 0 },
                    },
                    _namespace,
                    cancellationToken: cancellationToken),
                "create",
                "leases",
                $"{_namespace}/{_options.LeaseName}");
            return Succeeded(created.Failure);
        }

        if (read.Failure is { } failure)
        {
            return Succeeded(failure);
        }

        var lease = read.Value!;
        var spec = lease.Spec ??= new V1LeaseSpec();
        var record = $"{spec.HolderIdentity}|{spec.RenewTime:O}|{lease.Metadata?.ResourceVersion}";
        if (record != _observedRecord)
        {
            _observedRecord = record;
            _observedAt = _time.GetTimestamp();
        }

        var duration = TimeSpan.FromSeconds(spec.LeaseDurationSeconds is > 0 and var seconds ? seconds : _options.LeaseDurationSeconds);
        var ours = spec.HolderIdentity == _identity;
        HeldByOther = !ours && !string.IsNullOrEmpty(spec.HolderIdentity) && _time.GetElapsedTime(_observedAt) < duration;
        if (HeldByOther)
        {
            return false;
        }

        if (!ours)
        {
            // As client-go: every change of holder counts as a transition.
            spec.HolderIdentity = _identity;
            spec.AcquireTime = now;
            spec.LeaseTransitions = (spec.LeaseTransitions ?? 0) + 1;
        }

        spec.RenewTime = now;
        spec.LeaseDurationSeconds = _options.LeaseDurationSeconds;

        // The resourceVersion read goes with the update: if another replica wrote in between, this one gets 409.
        var updated = await KubernetesApi.CallAsync(() => _client.CoordinationV1.ReplaceNamespacedLeaseAsync(lease, _options.LeaseName, _namespace, cancellationToken: cancellationToken), "update", "leases", $"{_namespace}/{_options.LeaseName}");
        if (updated.Value is { } written)
        {
            _observedRecord = $"{written.Spec?.HolderIdentity}|{written.Spec?.RenewTime:O}|{written.Metadata?.ResourceVersion}";
            _observedAt = _time.GetTimestamp();
        }

        return Succeeded(updated.Failure);
    }

    private bool Succeeded(KubernetesApiFailure? failure)
    {
        if (failure is null)
        {
            return true;
        }

        // 409: another replica created or updated the lease first; it leads, this one keeps trying.
        if (!failure.IsConflict && _repeats.ShouldLog("lease", out var heldBack))
        {
            Log.Failed(_logger, failure.Explain(), heldBack);
        }

        return false;
    }

    private async Task ReleaseAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        var read = await KubernetesApi.CallAsync(() => _client.CoordinationV1.ReadNamespacedLeaseAsync(_options.LeaseName, _namespace, cancellationToken: timeout.Token), "get", "leases", _options.LeaseName);
        if (read.Value is { Spec: { } spec } lease && spec.HolderIdentity == _identity)
        {
            // As client-go's ReleaseOnCancel: an empty holder with a one-second duration lets the next replica take over at once.
            spec.HolderIdentity = null;
            spec.LeaseDurationSeconds = 1;
            spec.RenewTime = _time.GetUtcNow().UtcDateTime;
            await KubernetesApi.CallAsync(() => _client.CoordinationV1.ReplaceNamespacedLeaseAsync(lease, _options.LeaseName, _namespace, cancellationToken: timeout.Token), "update", "leases", _options.LeaseName);
        }
    }

    private static async Task AwaitQuietly(Task work)
    {
        try
        {
            await work;
        }
        catch (OperationCanceledException)
        {
            // The work ends by cancellation when leadership ends.
        }
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "{Identity} leads the controller (Lease {Namespace}/{Lease})")]
        public static partial void Leading(ILogger logger, string identity, string @namespace, string lease);

        [LoggerMessage(2, LogLevel.Warning, "{Identity} stopped leading: the lease was not renewed for {Seconds} s or another replica holds it")]
        public static partial void Lost(ILogger logger, string identity, int seconds);

        [LoggerMessage(3, LogLevel.Warning, "Controller lease: {Reason} ({HeldBack} more since the last such line)")]
        public static partial void Failed(ILogger logger, string reason, int heldBack);
    }
}
