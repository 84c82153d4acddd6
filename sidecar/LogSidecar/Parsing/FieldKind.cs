namespace LogSidecar.Parsing;

/// <summary>How a parsed value's bytes are held.</summary>
internal enum FieldKind : byte
{
    /// <summary>Plain UTF-8 text; written as a JSON string after escaping.</summary>
    Text,

    /// <summary>A complete JSON token copied from a JSON record (string with quotes, number, object...).</summary>
    Json,
}
