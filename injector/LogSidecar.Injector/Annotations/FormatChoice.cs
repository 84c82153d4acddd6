using LogSidecar.Contracts.Configuration;

namespace LogSidecar.Injector.Annotations;

/// <summary>The valid parts of a format/regex/multiline triple; null where nothing (usable) was given.</summary>
internal sealed record FormatChoice(string? Format, string? Regex, MultilineConfig? Multiline)
{
    /// <summary>Sets the chosen values on <paramref name="stream"/>, keeping what <paramref name="own"/> (the stream's own choice) set.</summary>
    public void ApplyTo(StreamConfig stream, FormatChoice? own = null)
    {
        stream.Format = own?.Format ?? Format ?? stream.Format;
        stream.Regex = own?.Format is not null ? own.Regex : Regex;
        stream.Multiline = own?.Multiline ?? Multiline;
    }
}
