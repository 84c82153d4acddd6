namespace LogSidecar.Tests.Sinks.Receivers;

/// <summary>One log record an OTLP receiver decoded, with its resource's attributes and its scope's name; attributes as text and with their AnyValue kinds.</summary>
internal sealed record OtlpLogRecord(
    IReadOnlyDictionary<string, string> Resource,
    string Scope,
    ulong TimeUnixNanos,
    ulong ObservedTimeUnixNanos,
    int SeverityNumber,
    string SeverityText,
    string Body,
    IReadOnlyDictionary<string, string> Attributes,
    IReadOnlyDictionary<string, string> TypedAttributes);
