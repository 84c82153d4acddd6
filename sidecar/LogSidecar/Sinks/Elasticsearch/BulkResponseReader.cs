using System.Text.Json;
using LogSidecar.Sinks.Batching;

namespace LogSidecar.Sinks.Elasticsearch;

/// <summary>
/// Reads a <c>_bulk</c> response of any size: <c>items</c> answer the request's operations in
/// order, each with its <c>status</c> and, when it failed, an <c>error</c> with a <c>type</c> and a
/// <c>reason</c>. When <c>errors</c> is false every item succeeded and the items are not read.
/// </summary>
internal static class BulkResponseReader
{
    /// <summary>Sets the verdict of each selected item; items the response does not mention stay Unknown (retried).</summary>
    public static SendOutcome Read(ReadOnlySpan<byte> body, IReadOnlyList<int> selected, DeliveryVerdicts verdicts)
    {
        var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = 256 });
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return Unreadable(selected, verdicts);
        }

        string? retryReason = null;
        var sawItems = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("errors"u8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.False)
                {
                    verdicts.SetAll(selected, ItemVerdict.Delivered);
                    return SendOutcome.Done;
                }
            }
            else if (reader.ValueTextEquals("items"u8))
            {
                reader.Read();
                sawItems = true;
                retryReason = ReadItems(ref reader, selected, verdicts);
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        if (!sawItems)
        {
            return Unreadable(selected, verdicts);
        }

        return new SendOutcome(retryReason ?? "missing_item", null);
    }

    private static string? ReadItems(ref Utf8JsonReader reader, IReadOnlyList<int> selected, DeliveryVerdicts verdicts)
    {
        string? retryReason = null;
        var position = 0;
        while (reader.Read() && reader.TokenType == JsonTokenType.StartObject)
        {
            // { "create": { "status": 201, "error": { ... } } }: one property, the operation.
            reader.Read();
            reader.Read();
            var (status, type, reason) = ReadOperation(ref reader);
            reader.Read();
            if (position < selected.Count)
            {
                var verdict = ResponseClassifier.ForBulkItem(status);
                var label = type ?? $"item_{status}";
                verdicts.Set(selected[position], verdict, label, $"{status} {type}: {reason}");
                if (verdict == ItemVerdict.Retry)
                {
                    retryReason ??= $"item_{status}";
                }
            }

            position++;
        }

        return retryReason;
    }

    private static (int Status, string? Type, string? Reason) ReadOperation(ref Utf8JsonReader reader)
    {
        var status = 0;
        string? type = null;
        string? reason = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("status"u8))
            {
                reader.Read();
                status = reader.TryGetInt32(out var value) ? value : 0;
            }
            else if (reader.ValueTextEquals("error"u8))
            {
                reader.Read();
                (type, reason) = ReadError(ref reader);
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        return (status, type, reason);
    }

    private static (string? Type, string? Reason) ReadError(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            var text = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
            reader.Skip();
            return (null, text);
        }

        string? type = null;
        string? reason = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isType = reader.ValueTextEquals("type"u8);
            var isReason = reader.ValueTextEquals("reason"u8);
            reader.Read();
            if (isType && reader.TokenType == JsonTokenType.String)
            {
                type = reader.GetString();
            }
            else if (isReason && reader.TokenType == JsonTokenType.String)
            {
                reason = reader.GetString();
            }
            else
            {
                reader.Skip();
            }
        }

        return (type, reason);
    }

    /// <summary>A 200 that is not a bulk response (a proxy's page, a cut body): nothing is known, so everything is sent again.</summary>
    public static SendOutcome Unreadable(IReadOnlyList<int> selected, DeliveryVerdicts verdicts)
    {
        verdicts.SetAll(selected, ItemVerdict.Retry);
        return new SendOutcome("unreadable_response", null);
    }
}
