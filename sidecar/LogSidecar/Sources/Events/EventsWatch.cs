using System.Text.Json;
using LogSidecar.Sources.Kubernetes;
using Microsoft.Extensions.Logging;

namespace LogSidecar.Sources.Events;

/// <summary>
/// Follows the Events of one scope (every namespace, or one) by the API's documented list/watch protocol: list
/// in pages (limit/continue, one consistent snapshot whose resourceVersion the watch starts from), watch with
/// bookmarks (which move the resourceVersion on without changes), watch again from the last resourceVersion
/// when the server ends the stream, list again on <c>410 Gone</c>, and back off exponentially with jitter on
/// errors. Resumes from a checkpoint's resourceVersion; if that is too old, the relist ships the events last
/// seen since the checkpoint (less <see cref="Overlap"/> for clocks), whose ids make a re-sent one a duplicate
/// that backends deduplicate.
/// </summary>
internal sealed partial class EventsWatch(KubernetesApiClient api, string? @namespace, EventsMetrics metrics, TimeProvider time, ILogger logger)
{
    /// <summary>How far before the checkpoint a relist ships again: clocks of the event's reporter and this process differ.</summary>
    public static readonly TimeSpan Overlap = TimeSpan.FromMinutes(1);

    private const int PageSize = 500;
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan FirstBackoff = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);

    private readonly OccurrenceFilter _filter = new();
    private readonly string _path = @namespace is null ? "/apis/events.k8s.io/v1/events" : $"/apis/events.k8s.io/v1/namespaces/{Uri.EscapeDataString(@namespace)}/events";
    private int _failures;

    /// <summary>
    /// Runs until <paramref name="stop"/>. From <paramref name="checkpoint"/> when there is one; else lists and
    /// ships the events last seen at or after <paramref name="firstStartFrom"/> (now less maxEventAge).
    /// </summary>
    public async Task RunAsync(EventsCheckpoint? checkpoint, DateTimeOffset firstStartFrom, IOccurrenceTarget target, CancellationToken stop)
    {
        var resourceVersion = checkpoint?.ResourceVersion;
        var shipFrom = checkpoint is { } c ? c.SeenAt - Overlap : firstStartFrom;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                if (resourceVersion is null)
                {
                    resourceVersion = await ListAsync(shipFrom, target, stop);
                    if (resourceVersion is null)
                    {
                        await BackoffAsync(stop);
                        continue;
                    }

                    // Later relists know what was seen from the counts: anything not seen is shipped.
                    shipFrom = DateTimeOffset.MinValue;
                }

                var end = await WatchAsync(resourceVersion, target, stop);
                resourceVersion = end.ResourceVersion;
                if (end.Gone)
                {
                    metrics.Relisted();
                    Log.Gone(logger, Scope);
                    resourceVersion = null;
                }
                else if (end.Failed)
                {
                    await BackoffAsync(stop);
                }
                else
                {
                    _failures = 0;
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
        }
    }

    private string Scope => @namespace is null ? "every namespace" : $"namespace {@namespace}";

    /// <summary>Lists every page and ships the new occurrences; the list's resourceVersion, or null when it failed.</summary>
    private async Task<string?> ListAsync(DateTimeOffset shipFrom, IOccurrenceTarget target, CancellationToken stop)
    {
        var scope = _filter.BeginRelist();
        string? listVersion = null;
        string? next = null;
        do
        {
            var query = $"{_path}?limit={PageSize}" + (next is null ? "" : $"&continue={Uri.EscapeDataString(next)}");
            var answer = await api.SendAsync(HttpMethod.Get, query, null, CallTimeout, stop);
            if (!answer.IsSuccess)
            {
                // 410 on a continue token: the snapshot is gone, start the list over (after the backoff).
                Failed(answer.Describe());
                return null;
            }

            using var page = JsonDocument.Parse(answer.Body);
            var metadata = page.RootElement.GetProperty("metadata");
            listVersion ??= metadata.TryGetProperty("resourceVersion", out var version) ? version.GetString() : null;
            next = metadata.TryGetProperty("continue", out var token) && token.GetString() is { Length: > 0 } more ? more : null;
            if (page.RootElement.TryGetProperty("items", out var items) && items.ValueKind == JsonValueKind.Array)
            {
                foreach (var item in items.EnumerateArray())
                {
                    if (EventRecords.Read(item) is { } occurrence && scope.IsNew(occurrence) && occurrence.LastSeen >= shipFrom)
                    {
                        await target.ShipAsync(occurrence, stop);
                    }
                }
            }
        }
        while (next is not null);

        scope.Complete();
        if (listVersion is null)
        {
            Failed("the list has no resourceVersion");
            return null;
        }

        _failures = 0;
        target.Progress(listVersion);
        return listVersion;
    }

    private async Task<WatchEnd> WatchAsync(string resourceVersion, IOccurrenceTarget target, CancellationToken stop)
    {
        var query = $"{_path}?watch=true&allowWatchBookmarks=true&timeoutSeconds=300&resourceVersion={Uri.EscapeDataString(resourceVersion)}";
        var opening = await api.OpenWatchAsync(query, CallTimeout, stop);
        if (opening.Lines is not { } lines)
        {
            if (opening.Answer.Status == 410)
            {
                return new WatchEnd(resourceVersion, Gone: true, Failed: false);
            }

            Failed(opening.Answer.Describe());
            return new WatchEnd(resourceVersion, Gone: false, Failed: true);
        }

        using (lines)
        {
            try
            {
                while (await lines.ReadLineAsync(stop) is { } line)
                {
                    using var change = JsonDocument.Parse(line);
                    var type = change.RootElement.GetProperty("type").GetString();
                    var item = change.RootElement.GetProperty("object");
                    if (type == "ERROR")
                    {
                        if (ApiStatus.CodeOf(item) == 410)
                        {
                            return new WatchEnd(resourceVersion, Gone: true, Failed: false);
                        }

                        Failed(ApiStatus.MessageOf(item));
                        return new WatchEnd(resourceVersion, Gone: false, Failed: true);
                    }

                    resourceVersion = await ApplyAsync(type, item, target, stop) ?? resourceVersion;
                    target.Progress(resourceVersion);
                }
            }
            catch (Exception e) when (e is IOException or HttpRequestException or JsonException or InvalidDataException or KeyNotFoundException or InvalidOperationException)
            {
                Failed($"the watch broke: {e.Message}");
                return new WatchEnd(resourceVersion, Gone: false, Failed: true);
            }
        }

        return new WatchEnd(resourceVersion, Gone: false, Failed: false);
    }

    /// <summary>Applies one change; returns its resourceVersion.</summary>
    private async ValueTask<string?> ApplyAsync(string? type, JsonElement item, IOccurrenceTarget target, CancellationToken stop)
    {
        var version = item.TryGetProperty("metadata", out var metadata) && metadata.TryGetProperty("resourceVersion", out var v) ? v.GetString() : null;
        switch (type)
        {
            case "ADDED" or "MODIFIED":
                if (EventRecords.Read(item) is { } occurrence && _filter.IsNew(occurrence))
                {
                    await target.ShipAsync(occurrence, stop);
                }

                break;
            case "DELETED":
                if (metadata.ValueKind == JsonValueKind.Object && metadata.TryGetProperty("uid", out var uid) && uid.GetString() is { } gone)
                {
                    _filter.Forget(gone);
                }

                break;
        }

        return version;
    }

    private void Failed(string reason)
    {
        metrics.WatchFailed();
        if (_failures++ == 0)
        {
            Log.Failed(logger, Scope, reason);
        }
    }

    private async Task BackoffAsync(CancellationToken stop)
    {
        var exponent = Math.Min(Math.Max(_failures - 1, 0), 5);
        var delay = TimeSpan.FromTicks(Math.Min(MaxBackoff.Ticks, FirstBackoff.Ticks << exponent));
        delay += TimeSpan.FromMilliseconds(Random.Shared.Next(0, (int)(delay.TotalMilliseconds / 4) + 1));
        await Task.Delay(delay, time, stop);
    }

    private readonly record struct WatchEnd(string ResourceVersion, bool Gone, bool Failed);

    private static partial class Log
    {
        [LoggerMessage(EventId = 710, Level = LogLevel.Warning, Message = "Events of {Scope}: {Reason}; retrying with backoff. Check the API is reachable and the role allows list and watch of events.events.k8s.io")]
        public static partial void Failed(ILogger logger, string scope, string reason);

        [LoggerMessage(EventId = 711, Level = LogLevel.Information, Message = "Events of {Scope}: the resourceVersion is too old (410 Gone); listing again, events already shipped are skipped")]
        public static partial void Gone(ILogger logger, string scope);
    }
}
