namespace LogSidecar.Contracts.Configuration;

/// <summary>How files are discovered, read and framed into lines.</summary>
public sealed record TailingConfig
{
    /// <summary>How often globs are re-evaluated and idle files are checked for growth.</summary>
    public int PollIntervalMs { get; set; } = 250;

    /// <summary>Lines longer than this are truncated to it and flagged; the rest of the file keeps flowing.</summary>
    public int MaxLineBytes { get; set; } = 256 * 1024;

    /// <summary>Bytes read from a file at a time.</summary>
    public int ReadBufferBytes { get; set; } = 256 * 1024;

    /// <summary>
    /// Memory for file data, shared by all files: bytes read and not yet handed to the output. Files
    /// take read buffers from it in turn, so one busy file cannot starve the others.
    /// </summary>
    public int MaxBufferedBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>
    /// Descriptors of tailed files held at once. Files beyond wait their turn; while some wait, a file
    /// read to its end gives its descriptor up and is opened again when it grows.
    /// </summary>
    public int MaxOpenFiles { get; set; } = 256;

    /// <summary>
    /// While files wait for a descriptor, an open file keeps its descriptor for a turn this long (none
    /// for a file found unchanged that long), then gives it up as soon as it is read to its end with
    /// nothing pending. Its position is kept; it is opened again when it grows, after the files that
    /// waited before it.
    /// </summary>
    public int FileTurnMs { get; set; } = 5000;

    /// <summary>An unterminated last line is emitted once the file has not grown for this long.</summary>
    public int PartialLineTimeoutMs { get; set; } = 1000;

    /// <summary>A file that was rotated away or deleted is closed once read to its end and idle for this long.</summary>
    public int RotateWaitMs { get; set; } = 5000;

    /// <summary>Bytes at the start of a file hashed into its identity, with device and inode.</summary>
    public int FingerprintBytes { get; set; } = 1024;

    /// <summary>Directory levels below a glob's directory that discovery enters (for <c>**</c> and nested wildcards).</summary>
    public int MaxDepth { get; set; } = 16;

    /// <summary>
    /// Directory entries looked at per glob in one scan; a scan that reaches it stops there, says so
    /// once, and keeps every file it already has open.
    /// </summary>
    public int MaxScanEntries { get; set; } = 100_000;
}
