using System.IO.Pipelines;
using System.Text;
using LogSidecar.Injector.Diagnostics;
using Microsoft.AspNetCore.Connections;

namespace LogSidecar.Injector.Hosting;

/// <summary>
/// A connection middleware in front of TLS: a client that speaks plain HTTP to the HTTPS port (curl
/// http://, a misconfigured probe) gets a 400 that says to use HTTPS, instead of a connection closed
/// with nothing said. It only looks at the first byte (a TLS handshake record starts with 0x16, an
/// HTTP request with a letter) and leaves it unread for the TLS layer.
/// </summary>
internal sealed partial class PlainHttpResponder(InjectorMetrics metrics, TimeProvider time, ILogger logger)
{
    /// <summary>A client that sends nothing is closed after this, as the TLS handshake timeout would.</summary>
    public static readonly TimeSpan FirstByteTimeout = TimeSpan.FromSeconds(10);

    private const byte TlsHandshakeRecord = 0x16;

    private static readonly byte[] Answer = Response();

    private readonly RepeatLimiter _repeats = new(time, TimeSpan.FromMinutes(1));

    public ConnectionDelegate Wrap(ConnectionDelegate next) => async connection =>
    {
        var input = connection.Transport.Input;
        ReadResult read;
        using (var timeout = new CancellationTokenSource(FirstByteTimeout, time))
        {
            try
            {
                read = await input.ReadAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }

        if (read.Buffer.IsEmpty)
        {
            input.AdvanceTo(read.Buffer.Start);
            return;
        }

        var first = read.Buffer.FirstSpan[0];
        if (first == TlsHandshakeRecord || !char.IsAsciiLetterUpper((char)first))
        {
            // Nothing consumed, nothing examined: TLS reads the same bytes again at once.
            input.AdvanceTo(read.Buffer.Start);
            await next(connection);
            return;
        }

        input.AdvanceTo(read.Buffer.End);
        metrics.PlainHttp();
        var client = connection.RemoteEndPoint?.ToString() ?? "unknown";
        if (_repeats.ShouldLog("plain-http", out var heldBack))
        {
            Log.PlainHttp(logger, client, heldBack);
        }

        await connection.Transport.Output.WriteAsync(Answer);
        await connection.Transport.Output.CompleteAsync();
    };

    private static byte[] Response()
    {
        const string Body = "logsidecar-injector: this port speaks HTTPS only (TLS 1.2 or 1.3); use https:// and trust the webhook's CA (the caBundle of the MutatingWebhookConfiguration)\n";
        return Encoding.ASCII.GetBytes(
            "HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n"
            + $"Content-Length: {Encoding.UTF8.GetByteCount(Body)}\r\n\r\n{Body}");
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Plain HTTP from {Client} on the HTTPS port, answered with a 400 that says to use HTTPS ({HeldBack} more since the last such line)")]
        public static partial void PlainHttp(ILogger logger, string client, int heldBack);
    }
}
