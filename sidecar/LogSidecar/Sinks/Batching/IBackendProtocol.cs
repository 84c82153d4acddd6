using System.Buffers;
using System.Text.Json;
using LogSidecar.Parsing;

namespace LogSidecar.Sinks.Batching;

/// <summary>
/// What one backend's API needs: how a record is encoded, how a request body is laid out, and
/// what the response says about each record. The transport is
/// <see cref="Http.BackendTransport"/>'s; retries and dead letters are <see cref="ShippingSink"/>'s.
/// </summary>
internal interface IBackendProtocol
{
    /// <summary>The URL requests are POSTed to.</summary>
    Uri Target { get; }

    string ContentType { get; }

    /// <summary>An upper bound of the bytes <see cref="Encode"/> adds for the record.</summary>
    int WorstCaseBytes(PreparedRecord record);

    /// <summary>Encodes the record into <paramref name="items"/> as one item.</summary>
    void Encode(PreparedRecord record, ShipItems items);

    /// <summary>The request body carrying the <paramref name="selected"/> items, in order.</summary>
    void WriteBody(ShipItems items, IReadOnlyList<int> selected, IBufferWriter<byte> body);

    /// <summary>Writes the item as the JSON value of a dead letter's <c>record</c> field.</summary>
    void WriteDeadLetter(ShipItems items, in ShipItem item, Utf8JsonWriter writer);

    /// <summary>Reads the answer to a request that carried <paramref name="selected"/> and sets each one's verdict.</summary>
    Task<SendOutcome> ReadResponseAsync(HttpResponseMessage response, ShipItems items, IReadOnlyList<int> selected, DeliveryVerdicts verdicts, CancellationToken cancellationToken);
}
