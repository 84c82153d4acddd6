namespace LogSidecar.Tailing;

/// <summary>What <see cref="CopyFinder"/> made of a new file.</summary>
internal enum CopyVerdict
{
    /// <summary>Not a copy of anything tailed: read it whole.</summary>
    NotACopy,

    /// <summary>A copy: start it where its <see cref="CopyStart"/> says.</summary>
    Copy,

    /// <summary>A copy of a file still being read that has not reached the copy's end: it waits (standby) until the original reaches it, or is truncated first.</summary>
    Standby,

    /// <summary>Cannot tell now (the original changed while being compared, or cannot be compared yet): look again at the next scan.</summary>
    Undecided,
}
