namespace LogSidecar.Multiline;

/// <summary>
/// Go panics: from <c>panic: ...</c> (or <c>fatal error: ...</c>) through blank lines,
/// <c>goroutine N [running]:</c> headers, function lines, tab-indented file lines,
/// <c>created by ...</c> and <c>exit status N</c>.
/// </summary>
internal sealed class GoRule : ILineJoinRule
{
    private bool _inPanic;

    public bool StartsRecord(ReadOnlySpan<byte> line)
    {
        if (LineShape.StartsWith(line, "panic: "u8) || LineShape.StartsWith(line, "fatal error: "u8))
        {
            var nested = _inPanic; // "panic: x [recovered]" followed by a second panic line
            _inPanic = true;
            return !nested;
        }

        if (_inPanic && IsPanicBody(line))
        {
            return false;
        }

        _inPanic = false;
        return true;
    }

    private static bool IsPanicBody(ReadOnlySpan<byte> line) =>
        LineShape.IsBlank(line)
        || LineShape.IsIndented(line)
        || LineShape.StartsWith(line, "goroutine "u8)
        || LineShape.StartsWith(line, "created by "u8)
        || LineShape.StartsWith(line, "[signal "u8)
        || LineShape.StartsWith(line, "exit status "u8)
        || IsFunctionLine(line);

    // main.main() or net/http.(*conn).serve(0xc000123456, {0x6d8e08, 0xc0000a4000})
    private static bool IsFunctionLine(ReadOnlySpan<byte> line)
    {
        var open = line.IndexOf((byte)'(');
        return open > 0 && line[^1] == (byte)')' && line[..open].IndexOf((byte)' ') < 0;
    }
}
