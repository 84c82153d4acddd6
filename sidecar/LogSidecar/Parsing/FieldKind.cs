namespace LogSidecar.Parsing;

/// <summary>
/// What a field's bytes are: plain text a parser found (logfmt, regex, klog), or a JSON value copied
/// as it was written, with its JSON type, so each output can keep the type (OTLP's typed attributes).
/// </summary>
internal enum FieldKind : byte
{
    /// <summary>Plain UTF-8 text; written as a JSON string after escaping.</summary>
    Text,

    /// <summary>A JSON string token, quotes and escapes included.</summary>
    String,

    /// <summary>A JSON number token.</summary>
    Number,

    /// <summary>The JSON literal <c>true</c>.</summary>
    True,

    /// <summary>The JSON literal <c>false</c>.</summary>
    False,

    /// <summary>The JSON literal <c>null</c>.</summary>
    Null,

    /// <summary>A JSON object, as written.</summary>
    Object,

    /// <summary>A JSON array, as written.</summary>
    Array,
}
