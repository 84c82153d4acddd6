using System.Buffers;
using System.Diagnostics;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using LogSidecar.Injector.Diagnostics;
using LogSidecar.Injector.Mutation;
using LogSidecar.Injector.Namespaces;
using LogSidecar.Injector.Text;

namespace LogSidecar.Injector.Admission;

/// <summary>
/// Answers one AdmissionReview. A body over the limit gets 413 and a request beyond the concurrency
/// bound 503, each with a message; malformed requests get a 400 with a message; a pod the injector
/// cannot handle is admitted unchanged with a warning (fail open); dryRun gets the same answer
/// (the injector has no side effects). Every answer is counted in the metrics.
/// </summary>
internal sealed partial class AdmissionHandler
{
    // The patch goes to the API server, not into HTML: no need to escape quotes or '<' as \u0022 or \u003C.
    private static readonly JsonSerializerOptions PatchJson = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? _threadPatchBuffer;

    [ThreadStatic]
    private static Utf8JsonWriter? _threadPatchWriter;

    private readonly PodInjector _injector;
    private readonly InjectorMetrics _metrics;
    private readonly AdmissionGate _gate;
    private readonly long _maxRequestBytes;
    private readonly RepeatLimiter _repeats;
    private readonly ILogger _logger;
    private readonly NamespaceInformer? _namespaces;

    public AdmissionHandler(PodInjector injector, InjectorMetrics metrics, AdmissionGate gate, long maxRequestBytes, TimeProvider time, ILogger<AdmissionHandler> logger, NamespaceInformer? namespaces = null)
    {
        _namespaces = namespaces;
        _injector = injector;
        _metrics = metrics;
        _gate = gate;
        _maxRequestBytes = maxRequestBytes;
        _repeats = new RepeatLimiter(time, TimeSpan.FromMinutes(1));
        _logger = logger;
    }

    public async Task HandleAsync(HttpContext context, EnablementMode mode)
    {
        var started = Stopwatch.GetTimestamp();
        var webhook = mode == EnablementMode.NamespaceEnabled ? "namespace-enabled" : "opt-in";
        if (context.Request.ContentLength > _maxRequestBytes)
        {
            await RefuseAsync(context, webhook, started, StatusCodes.Status413PayloadTooLarge, "too-large", TooLarge($"{context.Request.ContentLength} bytes"));
            return;
        }

        switch (await _gate.EnterAsync(context.RequestAborted))
        {
            case GateEntry.Entered:
                break;
            case GateEntry.Aborted:
                _metrics.Record(webhook, "aborted", "client-gone", Stopwatch.GetElapsedTime(started));
                return;
            case var entry:
                var reason = entry == GateEntry.QueueFull ? "queue-full" : "queue-timeout";
                await RefuseAsync(context, webhook, started, StatusCodes.Status503ServiceUnavailable, reason,
                    $"the injector is answering as many admission requests as it may at once (maxConcurrentReviews) and {(entry == GateEntry.QueueFull ? "its queue is full (maxQueuedReviews)" : $"none finished within {AdmissionGate.MaxWait.TotalSeconds:F0} s")}; the pod is created without the sidecar (failurePolicy Ignore). Add replicas or raise the limits if this is real load");
                return;
        }

        try
        {
            await AnswerAsync(context, webhook, mode, started);
        }
        finally
        {
            _gate.Exit();
        }
    }

    private async Task AnswerAsync(HttpContext context, string webhook, EnablementMode mode, long started)
    {
        AdmissionReview? review;
        try
        {
            review = await JsonSerializer.DeserializeAsync(context.Request.Body, AdmissionJsonContext.Default.AdmissionReview, context.RequestAborted);
        }
        catch (JsonException e)
        {
            await BadRequestAsync(context, webhook, started, $"the request body is not a JSON AdmissionReview: {JsonErrors.Describe(e)}");
            return;
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            // A body sent without a length (chunked) that grew past the limit while it was read.
            await RefuseAsync(context, webhook, started, StatusCodes.Status413PayloadTooLarge, "too-large", TooLarge("more bytes"));
            return;
        }
        catch (BadHttpRequestException e)
        {
            await BadRequestAsync(context, webhook, started, $"the request could not be read: {e.Message}");
            return;
        }
        catch (Exception e) when (e is IOException or OperationCanceledException && context.RequestAborted.IsCancellationRequested)
        {
            // The client went away mid-body: nothing to answer, nothing wrong with the injector.
            _metrics.Record(webhook, "aborted", "client-gone", Stopwatch.GetElapsedTime(started));
            return;
        }

        if (Check(review) is { } problem)
        {
            await BadRequestAsync(context, webhook, started, problem);
            return;
        }

        var request = review!.Request!;

        // Only a pod being created is injected, so only then is its namespace read.
        var lookup = _namespaces is not null && request.Operation == "CREATE" && request.Namespace is { Length: > 0 } ns
            ? await _namespaces.LookupAsync(ns, context.RequestAborted)
            : null;
        var (response, result, reason) = Decide(request, mode, lookup);

        context.Response.ContentType = "application/json";
        await JsonSerializer.SerializeAsync(
            context.Response.Body,
            new AdmissionReview { ApiVersion = AdmissionReview.V1, Kind = AdmissionReview.ReviewKind, Response = response },
            AdmissionJsonContext.Default.AdmissionReview,
            context.RequestAborted);
        var elapsed = Stopwatch.GetElapsedTime(started);
        _metrics.Record(webhook, result, reason, elapsed);
        Log.Answered(_logger, ValueText.Quote(request.Namespace ?? ""), ValueText.Quote(request.Name ?? ""), ValueText.Quote(request.Uid), result, reason, elapsed.TotalMilliseconds);
    }

    private string TooLarge(string size) =>
        $"the admission request is {size}, over the limit of {_maxRequestBytes} bytes (maxRequestBytes); the API server sends a pod's review as a few kilobytes and never more than about 3 MiB, so this did not come from it";

    private static string? Check(AdmissionReview? review)
    {
        if (review is null)
        {
            return "the request body is JSON null; send an AdmissionReview";
        }

        if (review.ApiVersion != AdmissionReview.V1 || review.Kind != AdmissionReview.ReviewKind)
        {
            return $"expected apiVersion {AdmissionReview.V1} and kind {AdmissionReview.ReviewKind}, got '{review.ApiVersion}' and '{review.Kind}'; list only v1 in admissionReviewVersions";
        }

        var request = review.Request;
        if (request is null)
        {
            return "the AdmissionReview has no request";
        }

        if (string.IsNullOrEmpty(request.Uid))
        {
            return "request.uid is missing";
        }

        if (request.Kind is not { Kind: "Pod" } kind || !string.IsNullOrEmpty(kind.Group) || !string.IsNullOrEmpty(request.SubResource))
        {
            return $"this webhook handles pods only, got {request.Kind?.Group}/{request.Kind?.Version} {request.Kind?.Kind} {request.SubResource}; register it for resource pods, operation CREATE";
        }

        if (request.Object is not { ValueKind: JsonValueKind.Object })
        {
            return "request.object is missing or not a JSON object";
        }

        return null;
    }

    /// <summary>The response with its result and reason labels for the metrics.</summary>
    private (AdmissionResponse Response, string Result, string Reason) Decide(AdmissionRequest request, EnablementMode mode, NamespaceLookup? lookup)
    {
        var uid = request.Uid!;
        if (request.Operation != "CREATE")
        {
            return (new AdmissionResponse { Uid = uid, Allowed = true }, "skipped", Label(SkipReason.NotCreate));
        }

        var pod = JsonObject.Create(request.Object!.Value)!;
        var ns = request.Namespace ?? JsonText.String(pod["metadata"]?["namespace"]);
        InjectionOutcome outcome;
        try
        {
            outcome = _injector.Inject(pod, new InjectionRequest(ns, mode, lookup?.Defaults, lookup?.Unavailable));
        }
        catch (Exception e)
        {
            // Fail open, as failurePolicy Ignore would: the pod runs without the sidecar and the user is told.
            Log.CannotHandle(_logger, ValueText.Quote(ns ?? ""), ValueText.Quote(request.Name ?? ""), e);
            var warning = ValueText.Message($"logsidecar: the injector could not handle this pod ({e.GetType().Name}: {e.Message}); it was admitted without the sidecar");
            return (new AdmissionResponse { Uid = uid, Allowed = true, Warnings = [warning] }, "error", Label(SkipReason.CannotHandle));
        }

        var warnings = outcome.Warnings.Count > 0 ? outcome.Warnings.ToList() : null;
        return outcome.Kind switch
        {
            OutcomeKind.Denied => (new AdmissionResponse
            {
                Uid = uid,
                Allowed = false,
                Status = new AdmissionStatus { Code = 403, Reason = "Forbidden", Message = outcome.Message },
                Warnings = warnings,
            }, "denied", "invalid-annotations"),
            OutcomeKind.Injected => (new AdmissionResponse
            {
                Uid = uid,
                Allowed = true,
                Patch = Utf8(outcome.Patch),
                PatchType = AdmissionResponse.JsonPatchType,
                Warnings = warnings,
            }, "injected", "none"),
            _ => (new AdmissionResponse
            {
                Uid = uid,
                Allowed = true,

                // A pod skipped on purpose gets a status annotation that says why.
                Patch = outcome.Patch.Count > 0 ? Utf8(outcome.Patch) : null,
                PatchType = outcome.Patch.Count > 0 ? AdmissionResponse.JsonPatchType : null,
                Warnings = warnings,
            }, "skipped", Label(outcome.Skip)),
        };
    }

    /// <summary>
    /// The patch as UTF-8 JSON, written straight to bytes (no UTF-16 string of the whole patch) through a buffer
    /// and writer kept per thread: writing is synchronous, so a thread never uses them for two requests at once.
    /// </summary>
    private static byte[] Utf8(JsonNode patch)
    {
        var buffer = _threadPatchBuffer ??= new ArrayBufferWriter<byte>(8192);
        buffer.ResetWrittenCount();
        var writer = _threadPatchWriter ??= new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = PatchJson.Encoder, SkipValidation = true });
        writer.Reset(buffer);
        patch.WriteTo(writer, PatchJson);
        writer.Flush();
        return buffer.WrittenSpan.ToArray();
    }

    private async Task BadRequestAsync(HttpContext context, string webhook, long started, string message)
    {
        message = ValueText.Message(message);
        await WritePlainAsync(context, StatusCodes.Status400BadRequest, message);
        _metrics.Record(webhook, "malformed", "bad-request", Stopwatch.GetElapsedTime(started));
        if (_repeats.ShouldLog("bad-request", out var heldBack))
        {
            Log.BadRequest(_logger, Client(context), message, heldBack);
        }
    }

    /// <summary>A request refused before it was read (too large, too many at once): a plain-text answer that says why, a count, a log line a minute.</summary>
    private async Task RefuseAsync(HttpContext context, string webhook, long started, int status, string reason, string message)
    {
        if (status == StatusCodes.Status503ServiceUnavailable)
        {
            context.Response.Headers.RetryAfter = "1";
        }

        await WritePlainAsync(context, status, message);
        _metrics.Record(webhook, "refused", reason, Stopwatch.GetElapsedTime(started));
        if (_repeats.ShouldLog(reason, out var heldBack))
        {
            Log.Refused(_logger, status, Client(context), message, heldBack);
        }
    }

    private static async Task WritePlainAsync(HttpContext context, int status, string message)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/plain; charset=utf-8";
        try
        {
            await context.Response.WriteAsync($"logsidecar-injector: {message}\n", context.RequestAborted);
        }
        catch (Exception e) when (e is IOException or OperationCanceledException)
        {
            // The client is gone; the answer was for it alone.
        }
    }

    private static string Client(HttpContext context) => context.Connection.RemoteIpAddress?.ToString() ?? "unknown";

    private static string Label(SkipReason reason) => reason switch
    {
        SkipReason.ExcludedNamespace => "excluded-namespace",
        SkipReason.OptedOut => "opted-out",
        SkipReason.NotOptedIn => "not-opted-in",
        SkipReason.AlreadyInjected => "already-injected",
        SkipReason.NotCreate => "not-create",
        SkipReason.CannotHandle => "cannot-handle",
        SkipReason.Windows => "windows",
        _ => "none",
    };

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Debug, "Pod {Namespace}/{Name} ({Uid}): {Result} ({Reason}) in {ElapsedMs:F2} ms")]
        public static partial void Answered(ILogger logger, string @namespace, string name, string uid, string result, string reason, double elapsedMs);

        [LoggerMessage(2, LogLevel.Warning, "Malformed admission request from {Client}: {Problem} ({HeldBack} more since the last such line)")]
        public static partial void BadRequest(ILogger logger, string client, string problem, int heldBack);

        [LoggerMessage(4, LogLevel.Warning, "Admission request from {Client} refused with {Status}: {Problem} ({HeldBack} more since the last such line)")]
        public static partial void Refused(ILogger logger, int status, string client, string problem, int heldBack);

        [LoggerMessage(3, LogLevel.Error, "Cannot handle pod {Namespace}/{Name}; admitted without the sidecar")]
        public static partial void CannotHandle(ILogger logger, string @namespace, string name, Exception exception);
    }
}
