namespace LogSidecar.Parsing;

/// <summary>OpenTelemetry severity: a number from 1 (TRACE) to 24 (FATAL4) and its short name; 0 is unknown.</summary>
internal readonly record struct Severity(int Number)
{
    public static readonly Severity Trace = new(1);
    public static readonly Severity Debug = new(5);
    public static readonly Severity Info = new(9);
    public static readonly Severity Warn = new(13);
    public static readonly Severity Error = new(17);
    public static readonly Severity Fatal = new(21);

    public bool IsKnown => Number is >= 1 and <= 24;

    /// <summary>The short name as UTF-8, for writers that must not allocate.</summary>
    public ReadOnlySpan<byte> Utf8Text => Number switch
    {
        >= 1 and <= 4 => "TRACE"u8,
        >= 5 and <= 8 => "DEBUG"u8,
        >= 9 and <= 12 => "INFO"u8,
        >= 13 and <= 16 => "WARN"u8,
        >= 17 and <= 20 => "ERROR"u8,
        >= 21 and <= 24 => "FATAL"u8,
        _ => [],
    };

    public string Text => Number switch
    {
        >= 1 and <= 4 => "TRACE",
        >= 5 and <= 8 => "DEBUG",
        >= 9 and <= 12 => "INFO",
        >= 13 and <= 16 => "WARN",
        >= 17 and <= 20 => "ERROR",
        >= 21 and <= 24 => "FATAL",
        _ => "",
    };
}
