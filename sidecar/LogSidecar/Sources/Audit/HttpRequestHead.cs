using System.Globalization;
using System.Text;

namespace LogSidecar.Sources.Audit;

/// <summary>The parts of an HTTP/1.1 request head the audit endpoint uses.</summary>
internal sealed record HttpRequestHead(string Method, string Target, long? ContentLength, bool Chunked, string? Authorization, bool Close, bool ExpectContinue)
{
    /// <summary>Parses the head (request line and header fields, without the blank line); null and why when it is not HTTP/1.x.</summary>
    public static HttpRequestHead? Parse(ReadOnlySpan<byte> head, out string? error)
    {
        var lines = Encoding.Latin1.GetString(head).Split("\r\n");
        var requestLine = lines[0].Split(' ');
        if (requestLine.Length != 3 || !requestLine[2].StartsWith("HTTP/1.", StringComparison.Ordinal))
        {
            error = "the request line is not 'METHOD TARGET HTTP/1.1'";
            return null;
        }

        long? length = null;
        var chunked = false;
        string? authorization = null;
        var close = requestLine[2] == "HTTP/1.0";
        var expectContinue = false;
        foreach (var line in lines.AsSpan(1))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                error = "a header field has no name";
                return null;
            }

            var name = line[..colon];
            var value = line[(colon + 1)..].Trim();
            if (name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
            {
                if (!long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) || (length is { } earlier && earlier != parsed))
                {
                    error = "Content-Length is not one whole number";
                    return null;
                }

                length = parsed;
            }
            else if (name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase))
            {
                chunked = true;
            }
            else if (name.Equals("Authorization", StringComparison.OrdinalIgnoreCase))
            {
                authorization = value;
            }
            else if (name.Equals("Connection", StringComparison.OrdinalIgnoreCase))
            {
                close = value.Contains("close", StringComparison.OrdinalIgnoreCase) || (close && !value.Contains("keep-alive", StringComparison.OrdinalIgnoreCase));
            }
            else if (name.Equals("Expect", StringComparison.OrdinalIgnoreCase))
            {
                expectContinue = value.Equals("100-continue", StringComparison.OrdinalIgnoreCase);
            }
        }

        error = null;
        return new HttpRequestHead(requestLine[0], requestLine[1], length, chunked, authorization, close, expectContinue);
    }

    /// <summary>The token of an <c>Authorization: Bearer</c> header, or null.</summary>
    public string? BearerToken =>
        Authorization is { } value && value.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? value[7..].Trim() : null;
}
