namespace LogSidecar.Multiline;

/// <summary>
/// .NET exceptions: <c>System.InvalidOperationException: ...</c>, indented <c>at X in F.cs:line N</c>
/// frames, <c> ---> Inner</c>, <c>--- End of inner exception stack trace ---</c> and <c>--- End of
/// stack trace from previous location ---</c>, the <c>File name: '...'</c> line of file exceptions;
/// also the indented body of ASP.NET Core console logs.
/// </summary>
internal sealed class DotNetRule : ILineJoinRule
{
    private static readonly string[] ExceptionSuffixes = ["Exception"];

    public bool StartsRecord(ReadOnlySpan<byte> line) =>
        !(LineShape.IsIndented(line)
          || LineShape.TrimmedStartsWith(line, "--->"u8)
          || LineShape.TrimmedStartsWith(line, "--- End of "u8)
          || LineShape.StartsWith(line, "File name: '"u8)
          || LineShape.IsExceptionHeader(line, ExceptionSuffixes));
}
