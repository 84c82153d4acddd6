namespace LogSidecar.Multiline;

/// <summary>
/// Python tracebacks, including chained ones: <c>Traceback (most recent call last):</c>, its
/// indented frames and source lines, the final <c>ValueError: ...</c> line, and the
/// <c>During handling of the above exception...</c> / <c>The above exception was the direct cause...</c>
/// links with their blank lines.
/// </summary>
internal sealed class PythonRule : ILineJoinRule
{
    private State _state;

    private enum State
    {
        Outside,
        InTraceback,
        AfterException,
    }

    public bool StartsRecord(ReadOnlySpan<byte> line)
    {
        if (LineShape.StartsWith(line, "Traceback (most recent call last):"u8))
        {
            _state = State.InTraceback;
            return false;
        }

        if (LineShape.StartsWith(line, "During handling of the above exception"u8)
            || LineShape.StartsWith(line, "The above exception was the direct cause"u8))
        {
            var linked = _state != State.Outside;
            _state = State.InTraceback;
            return !linked;
        }

        switch (_state)
        {
            case State.InTraceback when LineShape.IsIndented(line) || LineShape.IsBlank(line):
                return false;
            case State.InTraceback:
                _state = State.AfterException; // the exception line ends the traceback
                return false;
            case State.AfterException when LineShape.IsBlank(line):
                return false;
            default:
                _state = State.Outside;
                return true;
        }
    }
}
