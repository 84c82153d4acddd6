using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;

namespace LogSidecar.Sources.Kubernetes;

/// <summary>
/// Leader election with a coordination.k8s.io/v1 Lease, as client-go's leaderelection package does it: a
/// candidate creates the Lease or takes it over once its holder has not renewed for the lease duration (timed by
/// this process's clock from when it saw the record change, so clocks need not agree); every write carries the
/// resourceVersion it read, so of two candidates the API accepts one and answers the other 409 Conflict. The
/// leader renews every retry period and stops leading once it could not renew for the renew deadline, which is
/// shorter than the duration: it has stopped before anyone else may start. On shutdown it gives the Lease up,
/// so another replica takes over at once. The Lease's annotations carry what the leader must hand over (a
/// source's checkpoint): <see cref="SetAnnotation"/> writes with the next renewal.
/// </summary>
internal sealed partial class LeaseElector(KubernetesApiClient api, LeaseOptions options, TimeProvider time, ILogger logger)
{
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(5);

    // Annotations to write with the next renewal; the leading task sets them, the renew loop writes them.
    private readonly ConcurrentDictionary<string, string> _pending = new(StringComparer.Ordinal);

    // Only the loop of RunAsync touches these.
    private JsonObject? _observed;
    private string? _observedRecord;
    private DateTimeOffset _observedAt;
    private bool _failing;

    /// <summary>True while this process holds the Lease and its leading task runs.</summary>
    public bool IsLeader { get; private set; }

    /// <summary>An annotation of the Lease as last read: on becoming the leader, what the previous leader handed over.</summary>
    public string? Annotation(string key) =>
        _observed?["metadata"]?["annotations"]?[key]?.GetValue<string>();

    /// <summary>Writes <paramref name="key"/> with the next renewal (at most a retry period later) and when the Lease is given up.</summary>
    public void SetAnnotation(string key, string value) => _pending[key] = value;

    /// <summary>Competes for the Lease until <paramref name="stop"/>; runs <paramref name="lead"/> while leading, cancelling it when leadership is lost.</summary>
    public async Task RunAsync(Func<CancellationToken, Task> lead, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            if (await TryAcquireOrRenewAsync(stop) != LeaseStep.Holding)
            {
                await WaitAsync(options.RetryPeriod, stop);
                continue;
            }

            Log.Acquired(logger, options.Namespace, options.Name, options.Identity);
            await LeadAsync(lead, stop);
        }
    }

    private async Task LeadAsync(Func<CancellationToken, Task> lead, CancellationToken stop)
    {
        using var leading = CancellationTokenSource.CreateLinkedTokenSource(stop);
        IsLeader = true;
        var task = Task.Run(() => lead(leading.Token), CancellationToken.None);
        var renewed = time.GetUtcNow();
        while (!stop.IsCancellationRequested && !task.IsCompleted)
        {
            await WaitAsync(options.RetryPeriod, stop);
            if (stop.IsCancellationRequested)
            {
                break;
            }

            var step = await TryAcquireOrRenewAsync(stop);
            if (step == LeaseStep.Holding)
            {
                renewed = time.GetUtcNow();
            }
            else if (step == LeaseStep.HeldByOther || time.GetUtcNow() - renewed >= options.RenewDeadline)
            {
                Log.Lost(logger, options.Namespace, options.Name, step == LeaseStep.HeldByOther ? "another replica holds it" : $"not renewed for {options.RenewDeadline.TotalSeconds:0} s");
                break;
            }
        }

        await leading.CancelAsync();
        try
        {
            await task;
        }
        catch (OperationCanceledException)
        {
            // The leading task stops when its token is cancelled.
        }

        IsLeader = false;
        if (stop.IsCancellationRequested)
        {
            await ReleaseAsync();
        }

    }

    private async Task<LeaseStep> TryAcquireOrRenewAsync(CancellationToken stop)
    {
        var read = await api.SendAsync(HttpMethod.Get, options.Path, null, CallTimeout, stop);
        var now = time.GetUtcNow();
        if (read.Status == 404)
        {
            var created = await api.SendAsync(HttpMethod.Post, options.CollectionPath, Serialize(NewLease(now)), CallTimeout, stop);
            return Observe(created, now) ? LeaseStep.Holding : LeaseStep.Failed;
        }

        if (!read.IsSuccess || JsonNode.Parse(read.Body) is not JsonObject lease)
        {
            ReportFailure(read.Describe());
            return LeaseStep.Failed;
        }

        _failing = false;
        var spec = lease["spec"] as JsonObject ?? [];
        var holder = spec["holderIdentity"]?.GetValue<string>() ?? "";
        var record = $"{holder}|{spec["renewTime"]}|{spec["leaseDurationSeconds"]}";
        if (record != _observedRecord)
        {
            _observedRecord = record;
            _observedAt = now;
        }

        _observed = lease;
        var duration = spec["leaseDurationSeconds"]?.GetValue<int>() ?? (int)options.Duration.TotalSeconds;
        var mine = holder == options.Identity;
        if (!mine && holder.Length > 0 && now < _observedAt + TimeSpan.FromSeconds(duration))
        {
            return LeaseStep.HeldByOther;
        }

        spec["holderIdentity"] = options.Identity;
        spec["leaseDurationSeconds"] = (int)options.Duration.TotalSeconds;
        spec["renewTime"] = MicroTime(now);
        if (!mine)
        {
            spec["acquireTime"] = MicroTime(now);
            spec["leaseTransitions"] = (spec["leaseTransitions"]?.GetValue<int>() ?? 0) + 1;
        }

        lease["spec"] = spec;
        WritePending(lease);
        var written = await api.SendAsync(HttpMethod.Put, options.Path, Serialize(lease), CallTimeout, stop);
        if (written.Status == 409)
        {
            // Another candidate wrote first; the next read shows who.
            return mine ? LeaseStep.Failed : LeaseStep.HeldByOther;
        }

        return Observe(written, now) ? LeaseStep.Holding : LeaseStep.Failed;
    }

    /// <summary>Gives the Lease up (empty holder, as client-go's ReleaseOnCancel does) with the last annotations, so a standby takes over at once.</summary>
    private async Task ReleaseAsync()
    {
        if (_observed is not { } lease)
        {
            return;
        }

        var spec = lease["spec"] as JsonObject ?? [];
        spec["holderIdentity"] = "";
        spec["leaseDurationSeconds"] = 1;
        spec["renewTime"] = MicroTime(time.GetUtcNow());
        lease["spec"] = spec;
        WritePending(lease);
        var answer = await api.SendAsync(HttpMethod.Put, options.Path, Serialize(lease), CallTimeout, CancellationToken.None);
        if (answer.IsSuccess)
        {
            Log.Released(logger, options.Namespace, options.Name);
        }
        else
        {
            ReportFailure(answer.Describe());
        }
    }

    private bool Observe(ApiAnswer answer, DateTimeOffset now)
    {
        if (!answer.IsSuccess || JsonNode.Parse(answer.Body) is not JsonObject lease)
        {
            if (answer.Status != 409)
            {
                ReportFailure(answer.Describe());
            }

            return false;
        }

        var spec = lease["spec"] as JsonObject ?? [];
        _observed = lease;
        _observedRecord = $"{spec["holderIdentity"]}|{spec["renewTime"]}|{spec["leaseDurationSeconds"]}";
        _observedAt = now;
        return true;
    }

    /// <summary>Logs the first failure of a run of them: the API being down for an hour is one message, not 1,800.</summary>
    private void ReportFailure(string reason)
    {
        if (!_failing)
        {
            _failing = true;
            Log.CallFailed(logger, options.Namespace, options.Name, reason);
        }
    }

    private void WritePending(JsonObject lease)
    {
        if (_pending.IsEmpty)
        {
            return;
        }

        var metadata = lease["metadata"] as JsonObject ?? [];
        var annotations = metadata["annotations"] as JsonObject ?? [];
        foreach (var (key, value) in _pending)
        {
            annotations[key] = value;
        }

        metadata["annotations"] = annotations;
        lease["metadata"] = metadata;
    }

    private JsonObject NewLease(DateTimeOffset now)
    {
        var lease = new JsonObject
        {
            ["apiVersion"] = "coordination.k8s.io/v1",
            ["kind"] = "Lease",
            ["metadata"] = new JsonObject { ["name"] = options.Name, ["namespace"] = options.Namespace },
            ["spec"] = new JsonObject
            {
                ["holderIdentity"] = options.Identity,
                ["leaseDurationSeconds"] = (int)options.Duration.TotalSeconds,
                ["acquireTime"] = MicroTime(now),
                ["renewTime"] = MicroTime(now),
                ["leaseTransitions"] = 0,
            },
        };
        WritePending(lease);
        return lease;
    }

    private static byte[] Serialize(JsonObject node)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            node.WriteTo(writer);
        }

        return buffer.ToArray();
    }

    /// <summary>The API's MicroTime: RFC 3339 in UTC with microseconds.</summary>
    private static string MicroTime(DateTimeOffset at) =>
        at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);

    private async Task WaitAsync(TimeSpan delay, CancellationToken stop)
    {
        try
        {
            await Task.Delay(delay, time, stop);
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }

    private enum LeaseStep
    {
        Holding,
        HeldByOther,
        Failed,
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 700, Level = LogLevel.Information, Message = "Leading: holding Lease {Namespace}/{Name} as {Identity}")]
        public static partial void Acquired(ILogger logger, string @namespace, string name, string identity);

        [LoggerMessage(EventId = 701, Level = LogLevel.Warning, Message = "Stopped leading: Lease {Namespace}/{Name}: {Reason}")]
        public static partial void Lost(ILogger logger, string @namespace, string name, string reason);

        [LoggerMessage(EventId = 702, Level = LogLevel.Information, Message = "Gave up Lease {Namespace}/{Name} for a standby to take over")]
        public static partial void Released(ILogger logger, string @namespace, string name);

        [LoggerMessage(EventId = 703, Level = LogLevel.Warning, Message = "Lease {Namespace}/{Name}: {Reason}. Check the API is reachable and the role allows get, create and update of leases")]
        public static partial void CallFailed(ILogger logger, string @namespace, string name, string reason);
    }
}
