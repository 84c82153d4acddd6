namespace LogSidecar.Contracts.Configuration;

/// <summary>
/// How consecutive lines are joined into one record. Exactly one of <see cref="Preset"/>,
/// <see cref="FirstLine"/> or <see cref="Continuation"/> is set.
/// </summary>
public sealed record MultilineConfig
{
    /// <summary>java, dotnet, python or go.</summary>
    public string? Preset { get; set; }

    /// <summary>A regex that matches the first line of every record; other lines continue the previous one.</summary>
    public string? FirstLine { get; set; }

    /// <summary>A regex that matches continuation lines; other lines start a new record.</summary>
    public string? Continuation { get; set; }

    /// <summary>An open record is emitted when the file has been idle this long.</summary>
    public int TimeoutMs { get; set; } = 1000;

    /// <summary>A record reaching this many lines is emitted, flagged truncated; the next line starts a new record.</summary>
    public int MaxLines { get; set; } = 1000;

    /// <summary>A record reaching this many bytes is emitted, flagged truncated; the next line starts a new record.</summary>
    public int MaxBytes { get; set; } = 256 * 1024;
}
