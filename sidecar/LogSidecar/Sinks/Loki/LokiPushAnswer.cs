using System.Globalization;
using System.Net;
using LogSidecar.Sinks.Batching;

namespace LogSidecar.Sinks.Loki;

/// <summary>
/// What a Loki push answer that is not a success means, in words an operator can act on: a
/// metric label from a bounded set and the dead letter's reason (Loki's message, and for the
/// refusals that come from Loki's limits, what happened and which setting to change).
/// </summary>
internal readonly record struct LokiPushAnswer(string Label, string Detail)
{
    // Longest Loki message quoted in a reason: a 400 can list every refused entry.
    private const int MaxQuoted = 2048;

    // What is read of an answer; the rest of a long list of refused entries is not needed.
    private const int MaxAnswerBytes = 16 * 1024;

    /// <summary>Sets the verdict of every item of the request from Loki's answer (a push is answered as a whole).</summary>
    public static async Task<SendOutcome> ReadAsync(HttpResponseMessage response, IReadOnlyList<int> selected, DeliveryVerdicts verdicts, TimeProvider time, CancellationToken cancellationToken)
    {
        var status = response.StatusCode;
        var verdict = ResponseClassifier.ForLokiPush(status);
        if (verdict == ItemVerdict.Delivered)
        {
            verdicts.SetAll(selected, ItemVerdict.Delivered);
            return SendOutcome.Done;
        }

        var answer = Explain(status, await ReadMessageAsync(response, cancellationToken));
        verdicts.SetAll(selected, verdict, answer.Label, answer.Detail);
        return verdict == ItemVerdict.Retry
            ? new SendOutcome(ResponseClassifier.Label(status), ResponseClassifier.RetryAfter(response, time))
            : SendOutcome.Done;
    }

    public static LokiPushAnswer Explain(HttpStatusCode status, string message)
    {
        var code = (int)status;
        var quoted = message.Length > MaxQuoted ? string.Concat(message.AsSpan(0, MaxQuoted), "...") : message;
        var said = string.Create(CultureInfo.InvariantCulture, $"{code} from Loki push: {(quoted.Length == 0 ? "(no message)" : quoted)}");

        if (code == 260)
        {
            return new("blocked", said + ". Loki's limits block ingestion (block_ingestion_until, answered with block_ingestion_status_code): the request was not stored. Lift the block, then replay these records");
        }

        if (code is >= 200 and < 300)
        {
            return new(ResponseClassifier.Label(status), said + ". Loki answers a stored push with 204 (or 200); another success code does not say the entries were stored, so they are dead-lettered rather than assumed delivered");
        }

        if (code == 400 && Contains(message, "entry out of order", "entry too far behind", "out of order"))
        {
            return new("out_of_order", said + ". Loki refused entries older than the newest entry of their stream minus its out-of-order window (half of the ingesters' max_chunk_age, 1h by default), or it runs with unordered_writes: false. "
                + "This happens when a backlog is shipped late (after an outage or a restart) or a file's parsed timestamps go backwards. "
                + "Set unordered_writes: true (limits_config, the default since Loki 2.4), raise max_chunk_age, or add the file label so each file is its own stream; Loki may have stored the request's other entries");
        }

        if (code == 400 && Contains(message, "greater_than_max_sample_age", "too old"))
        {
            return new("too_old", said + ". The entries' timestamps are older than Loki accepts (limits_config reject_old_samples with reject_old_samples_max_age, 1 week by default). "
                + "Raise reject_old_samples_max_age or set reject_old_samples: false, then replay these records; Loki may have stored the request's other entries");
        }

        if (code == 400)
        {
            return new(ResponseClassifier.Label(status), said + ". Loki refused the request and does not say which entries it stored, so none is sent again (that would duplicate the stored ones)");
        }

        return new(ResponseClassifier.Label(status), said);
    }

    private static async Task<string> ReadMessageAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        var buffer = new byte[MaxAnswerBytes];
        var length = 0;
        int read;
        while (length < buffer.Length && (read = await stream.ReadAsync(buffer.AsMemory(length), cancellationToken)) > 0)
        {
            length += read;
        }

        return System.Text.Encoding.UTF8.GetString(buffer, 0, length).Trim();
    }

    private static bool Contains(string message, params ReadOnlySpan<string> phrases)
    {
        foreach (var phrase in phrases)
        {
            if (message.Contains(phrase, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }
}
