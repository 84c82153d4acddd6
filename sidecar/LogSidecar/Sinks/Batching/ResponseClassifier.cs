using System.Globalization;
using System.Net;

namespace LogSidecar.Sinks.Batching;

/// <summary>
/// The one place that decides what an HTTP status means for delivery (OTel's OtlpRetry approach):
/// success, a pause worth waiting out, or a refusal that sending again cannot fix.
/// </summary>
internal static class ResponseClassifier
{
    // A Retry-After longer than this is taken as this: the files are the buffer, but we keep probing.
    private static readonly TimeSpan LongestRetryAfter = TimeSpan.FromMinutes(10);

    public static ItemVerdict ForStatus(HttpStatusCode status, RetryRule rule)
    {
        var code = (int)status;
        if (code is >= 200 and < 300)
        {
            return ItemVerdict.Delivered;
        }

        // Credentials are being rotated or were mounted late: the records are fine, keep them.
        if (status is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden or HttpStatusCode.RequestTimeout)
        {
            return ItemVerdict.Retry;
        }

        return rule switch
        {
            RetryRule.Otlp => status is HttpStatusCode.TooManyRequests or HttpStatusCode.BadGateway or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout
                ? ItemVerdict.Retry
                : ItemVerdict.Rejected,
            _ => code == 429 || code >= 500 ? ItemVerdict.Retry : ItemVerdict.Rejected,
        };
    }

    /// <summary>One item of an Elasticsearch/OpenSearch bulk response: 409 on <c>create</c> means the id is stored already.</summary>
    public static ItemVerdict ForBulkItem(int status) => status switch
    {
        >= 200 and < 300 or 409 => ItemVerdict.Delivered,
        429 or >= 500 => ItemVerdict.Retry,
        _ => ItemVerdict.Rejected,
    };

    /// <summary>
    /// A Loki push answer: 204 (or 200) stored it; 429 and 5xx are worth retrying; any other 2xx
    /// stored nothing we can count on (Loki answers 260 when its limits block ingestion), and 400
    /// may be a partial ingest, so both are refused for good rather than sent again.
    /// </summary>
    public static ItemVerdict ForLokiPush(HttpStatusCode status) => (int)status switch
    {
        200 or 204 => ItemVerdict.Delivered,
        >= 200 and < 300 => ItemVerdict.Rejected,
        _ => ForStatus(status, RetryRule.TooManyRequestsAndServerErrors),
    };

    public static string Label(HttpStatusCode status) => string.Create(CultureInfo.InvariantCulture, $"status_{(int)status}");

    /// <summary>The delay the server asked for (seconds or an HTTP date), if any.</summary>
    public static TimeSpan? RetryAfter(HttpResponseMessage response, TimeProvider time)
    {
        if (response.Headers.RetryAfter is not { } header)
        {
            return null;
        }

        var delay = header.Delta ?? (header.Date is { } date ? date - time.GetUtcNow() : null);
        if (delay is not { } value)
        {
            return null;
        }

        return value < TimeSpan.Zero ? TimeSpan.Zero : value > LongestRetryAfter ? LongestRetryAfter : value;
    }
}
