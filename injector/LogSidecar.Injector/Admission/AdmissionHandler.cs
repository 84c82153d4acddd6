using System.Buffers;
using System.Diagnostics;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using LogSidecar.Injector.Diagnostics;
using LogSidecar.Injector.Mutation;

namespace LogSidecar.Injector.Admission;

/// <summary>
/// Answers one AdmissionReview. Malformed requests get a 400 with a message; a pod the injector
/// cannot handle is admitted unchanged with a warning (fail open); dryRun gets the same answer
/// (the injector has no side effects).
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
    private readonly ILogger _logger;

    public AdmissionHandler(PodInjector injector, InjectorMetrics metrics, ILogger<AdmissionHandler> logger)
    {
        _injector = injector;
        _metrics = metrics;
        _logger = logger;
    }

    public async Task HandleAsync(HttpContext context, EnablementMode mode)
    {
        var started = Stopwatch.GetTimestamp();
        var webhook = mode == EnablementMode.NamespaceEnabled ? "namespace-enabled" : "opt-in";
        AdmissionReview? review;
        try
        {
            review = await JsonSerializer.DeserializeAsync(context.Request.Body, AdmissionJsonContext.Default.AdmissionReview, context.RequestAborted);
        }
        catch (JsonException e)
        {
            await BadRequestAsync(context, webhook, started, $"the request body is not a JSON AdmissionReview: {e.Message}");
            return;
        }

        if (Check(review) is { } problem)
        {
            await BadRequestAsync(context, webhook, started, problem);
            return;
        }

        var request = review!.Request!;
        var (response, result, reason) = Decide(request, mode);

        context.Response.ContentType = "application/json";
        await JsonSerializer.SerializeAsync(
            context.Response.Body,
            new AdmissionReview { ApiVersion = AdmissionReview.V1, Kind = AdmissionReview.ReviewKind, Response = response },
            AdmissionJsonContext.Default.AdmissionReview,
            context.RequestAborted);
        var elapsed = Stopwatch.GetElapsedTime(started);
        _metrics.Record(webhook, result, reason, elapsed);
        Log.Answered(_logger, request.Namespace ?? "", request.Name ?? "", request.Uid!, result, reason, elapsed.TotalMilliseconds);
    }

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
    private (AdmissionResponse Response, string Result, string Reason) Decide(AdmissionRequest request, EnablementMode mode)
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
            outcome = _injector.Inject(pod, new InjectionRequest(ns, mode));
        }
        catch (Exception e)
        {
            // Fail open, as failurePolicy Ignore would: the pod runs without the sidecar and the user is told.
            Log.CannotHandle(_logger, ns ?? "", request.Name ?? "", e);
            var warning = $"logsidecar: the injector could not handle this pod ({e.GetType().Name}: {e.Message}); it was admitted without the sidecar";
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
            _ => (new AdmissionResponse { Uid = uid, Allowed = true, Warnings = warnings }, "skipped", Label(outcome.Skip)),
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
        context.Response.StatusCode = StatusCodes.Status400BadRequest;
        context.Response.ContentType = "text/plain; charset=utf-8";
        await context.Response.WriteAsync(message + "\n", context.RequestAborted);
        _metrics.Record(webhook, "malformed", "bad-request", Stopwatch.GetElapsedTime(started));
        Log.BadRequest(_logger, message);
    }

    private static string Label(SkipReason reason) => reason switch
    {
        SkipReason.ExcludedNamespace => "excluded-namespace",
        SkipReason.OptedOut => "opted-out",
        SkipReason.NotOptedIn => "not-opted-in",
        SkipReason.AlreadyInjected => "already-injected",
        SkipReason.NotCreate => "not-create",
        SkipReason.CannotHandle => "cannot-handle",
        _ => "none",
    };

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Debug, "Pod {Namespace}/{Name} ({Uid}): {Result} ({Reason}) in {ElapsedMs:F2} ms")]
        public static partial void Answered(ILogger logger, string @namespace, string name, string uid, string result, string reason, double elapsedMs);

        [LoggerMessage(2, LogLevel.Warning, "Malformed admission request: {Problem}")]
        public static partial void BadRequest(ILogger logger, string problem);

        [LoggerMessage(3, LogLevel.Error, "Cannot handle pod {Namespace}/{Name}; admitted without the sidecar")]
        public static partial void CannotHandle(ILogger logger, string @namespace, string name, Exception exception);
    }
}
