using System.Net;
using System.Net.Sockets;
using k8s;
using k8s.Autorest;
using k8s.Models;
using LogSidecar.Injector.Certificates;
using LogSidecar.Injector.Diagnostics;

namespace LogSidecar.Injector.Watching;

/// <summary>
/// Keeps a target in step with a collection by the API's documented list/watch protocol ("Efficient detection of
/// changes"): list in pages (limit/continue, every page from one snapshot), then watch from
/// the list's resourceVersion with bookmarks (which move the resourceVersion on without changes), watch again from
/// the last resourceVersion when the server ends the stream, list again on <c>410 Gone</c> (that resourceVersion or
/// continue token is compacted away) or when <see cref="RequestRelist"/> asks, and back off exponentially with
/// jitter on errors. Memory is one page at a time; what to keep of each item is the target's choice.
/// </summary>
internal sealed partial class ListWatch<T>
    where T : IMetadata<V1ObjectMeta>
{
    private static readonly TimeSpan FirstBackoff = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);

    private readonly ListWatchSource<T> _source;
    private readonly IListWatchTarget<T> _target;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly RepeatLimiter _repeats;

    // Keeps _watchStop the token source of the watch running now, so a relist request cancels that one and no other.
    private readonly Lock _relistLock = new();
    private CancellationTokenSource? _watchStop;
    private bool _relistRequested;

    private volatile bool _synced;
    private volatile bool _answered;
    private volatile string? _lastError;
    private string? _resourceVersion;
    private int _failures;
    private long _relists;
    private long _errors;

    public ListWatch(ListWatchSource<T> source, IListWatchTarget<T> target, TimeProvider time, ILogger logger)
    {
        _source = source;
        _target = target;
        _time = time;
        _logger = logger;
        _repeats = new RepeatLimiter(time, TimeSpan.FromMinutes(1));
    }

    /// <summary>True once the first list has been delivered.</summary>
    public bool IsSynced => _synced;

    /// <summary>True once the first list was delivered or has failed.</summary>
    public bool HasAnswered => _answered;

    /// <summary>Lists after the first one (410 Gone, or asked for).</summary>
    public long Relists => Interlocked.Read(ref _relists);

    /// <summary>Failed lists and watches.</summary>
    public long Errors => Interlocked.Read(ref _errors);

    /// <summary>The last failure, until a list succeeds.</summary>
    public string? LastError => _lastError;

    /// <summary>Ends the current watch and lists again (what to keep may have changed, such as a namespace's defaults).</summary>
    public void RequestRelist()
    {
        lock (_relistLock)
        {
            _relistRequested = true;
            _watchStop?.Cancel();
        }
    }

    /// <summary>Lists and watches until <paramref name="cancellationToken"/> is cancelled.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                if (_resourceVersion is null && !await ListAsync(cancellationToken))
                {
                    await BackoffAsync(cancellationToken);
                    continue;
                }

                switch (await WatchAsync(_resourceVersion!, cancellationToken))
                {
                    case WatchEnd.Closed:
                        _failures = 0;
                        break;
                    case WatchEnd.Gone:
                        Interlocked.Increment(ref _relists);
                        Log.Relisting(_logger, _source.Resource, _source.Target, _resourceVersion ?? "");
                        _resourceVersion = null;
                        break;
                    default:
                        await BackoffAsync(cancellationToken);
                        break;
                }

                lock (_relistLock)
                {
                    if (_relistRequested)
                    {
                        _relistRequested = false;
                        Interlocked.Increment(ref _relists);
                        _resourceVersion = null;
                    }
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    private async Task<bool> ListAsync(CancellationToken cancellationToken)
    {
        _target.BeginList();
        string? next = null;
        var count = 0;
        ListPage<T> page;
        do
        {
            KubernetesApiResult<ListPage<T>> listed;
            var token = next;
            try
            {
                listed = await KubernetesApi.CallAsync(() => _source.ListPage(token, _source.PageSize, cancellationToken), "list", _source.Resource, _source.Target);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                Fail($"list of {_source.Resource} ({_source.Target}) timed out");
                return false;
            }

            if (listed.Failure is { } failure)
            {
                // 410 on a continue token: its snapshot was compacted away; the next attempt starts a fresh list.
                Fail(failure.Explain());
                return false;
            }

            page = listed.Value!;
            foreach (var item in page.Items)
            {
                await _target.ListedAsync(item, cancellationToken);
                count++;
            }

            next = page.Continue is { Length: > 0 } more ? more : null;
        }
        while (next is not null);

        _target.EndList();
        _resourceVersion = page.ResourceVersion ?? "";
        _lastError = null;
        _failures = 0;
        _synced = true;
        _answered = true;
        Log.Listed(_logger, _source.Resource, _source.Target, count, _resourceVersion);
        return true;
    }

    private async Task<WatchEnd> WatchAsync(string resourceVersion, CancellationToken cancellationToken)
    {
        var gone = false;
        string? error = null;
        void OnError(Exception e)
        {
            if (e is KubernetesException { Status.Code: (int)HttpStatusCode.Gone })
            {
                gone = true;
            }
            else
            {
                error ??= e.Message;
            }
        }

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        lock (_relistLock)
        {
            if (_relistRequested)
            {
                return WatchEnd.Closed; // asked for while listing: list again at once
            }

            _watchStop = stop;
        }

        try
        {
            // Like client-go, a random server-side timeout between 5 and 10 minutes, so replicas do not reconnect together.
            var timeoutSeconds = 300 + Random.Shared.Next(300);
            await foreach (var (type, item) in _source.Watch(resourceVersion, timeoutSeconds, OnError, stop.Token))
            {
                if (type != WatchEventType.Bookmark && item.Metadata?.Name is not null)
                {
                    await _target.ChangedAsync(type, item, stop.Token);
                }

                if (item.Metadata?.ResourceVersion is { Length: > 0 } next)
                {
                    _resourceVersion = next;
                }
            }
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.Gone)
        {
            gone = true;
        }
        catch (HttpOperationException e)
        {
            error = KubernetesApiFailure.From(e, "watch", _source.Resource, _source.Target).Explain();
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            // A relist was asked for: not an error.
        }
        catch (Exception e) when (e is HttpRequestException or IOException or SocketException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            error = $"the watch of {_source.Resource} ({_source.Target}) broke: {e.Message}";
        }
        finally
        {
            lock (_relistLock)
            {
                _watchStop = null;
            }
        }

        cancellationToken.ThrowIfCancellationRequested();
        if (gone)
        {
            return WatchEnd.Gone;
        }

        if (error is not null)
        {
            Fail(error);
            return WatchEnd.Failed;
        }

        return WatchEnd.Closed;
    }

    private void Fail(string reason)
    {
        Interlocked.Increment(ref _errors);
        _failures++;
        _lastError = reason;
        _answered = true;
        if (_repeats.ShouldLog("watch", out var heldBack))
        {
            Log.Failed(_logger, _source.Resource, _source.Target, reason, heldBack);
        }
    }

    private Task BackoffAsync(CancellationToken cancellationToken)
    {
        var exponent = Math.Min(_failures - 1, 10);
        var cap = Math.Min(MaxBackoff.TotalMilliseconds, FirstBackoff.TotalMilliseconds * Math.Pow(2, Math.Max(exponent, 0)));

        // Full jitter in the upper half: replicas that failed together do not retry together.
        var delay = TimeSpan.FromMilliseconds(cap * (0.5 + (Random.Shared.NextDouble() / 2)));
        return Task.Delay(delay, _time, cancellationToken);
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Listed {Resource} ({Target}): {Count} at resourceVersion {ResourceVersion}")]
        public static partial void Listed(ILogger logger, string resource, string target, int count, string resourceVersion);

        [LoggerMessage(2, LogLevel.Information, "Watch of {Resource} ({Target}) from resourceVersion {ResourceVersion} answered 410 Gone; listing again")]
        public static partial void Relisting(ILogger logger, string resource, string target, string resourceVersion);

        [LoggerMessage(3, LogLevel.Warning, "List/watch of {Resource} ({Target}): {Reason}; retrying with backoff ({HeldBack} more failures since the last such line)")]
        public static partial void Failed(ILogger logger, string resource, string target, string reason, int heldBack);
    }
}
