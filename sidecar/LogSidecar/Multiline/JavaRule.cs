namespace LogSidecar.Multiline;

/// <summary>
/// Java stack traces: the exception line (<c>java.lang.IllegalStateException: ...</c>), indented
/// frames (<c>at ...</c>, <c>... 12 more</c>, <c>Suppressed:</c>) and <c>Caused by:</c> continue
/// the record of the log line that precedes them.
/// </summary>
internal sealed class JavaRule : ILineJoinRule
{
    private static readonly string[] ExceptionSuffixes = ["Exception", "Error", "Throwable"];

    public bool StartsRecord(ReadOnlySpan<byte> line) =>
        !(LineShape.IsIndented(line)
          || LineShape.StartsWith(line, "Caused by:"u8)
          || LineShape.StartsWith(line, "Suppressed:"u8)
          || LineShape.IsExceptionHeader(line, ExceptionSuffixes));
}
