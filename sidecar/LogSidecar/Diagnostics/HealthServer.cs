using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Logging;

namespace LogSidecar.Diagnostics;

/// <summary>
/// A deliberately small HTTP/1.1 server for <c>/healthz</c>, <c>/readyz</c> and <c>/metrics</c>:
/// one request per connection, GET only. Kestrel would triple the sidecar's memory for three URLs.
/// </summary>
internal sealed partial class HealthServer : IDisposable
{
    private const int MaxRequestBytes = 8192;
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(5);

    private readonly TcpListener _listener;
    private readonly SidecarMetrics _metrics;
    private readonly Func<bool> _ready;
    private readonly ILogger _log;

    private HealthServer(TcpListener listener, SidecarMetrics metrics, Func<bool> ready, ILogger log)
    {
        _listener = listener;
        _metrics = metrics;
        _ready = ready;
        _log = log;
    }

    /// <summary>Binds the port; null with a message saying what to change when it cannot.</summary>
    public static HealthServer? TryStart(IPEndPoint endpoint, SidecarMetrics metrics, Func<bool> ready, ILogger log, out string? error)
    {
        var listener = new TcpListener(endpoint);
        try
        {
            listener.Start();
        }
        catch (SocketException e)
        {
            listener.Dispose();
            error = $"cannot listen on {endpoint} ({e.Message}); set metrics.port (flag --metrics-port) to a free port, or 0 to turn the endpoint off";
            return null;
        }

        error = null;
        return new HealthServer(listener, metrics, ready, log);
    }

    public async Task RunAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptSocketAsync(stop);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            _ = ServeAsync(client, stop);
        }
    }

    public void Dispose() => _listener.Dispose();

    private async Task ServeAsync(Socket client, CancellationToken stop)
    {
        using var socket = client;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stop);
        timeout.CancelAfter(RequestTimeout);
        try
        {
            var path = await ReadPathAsync(socket, timeout.Token);
            var (status, contentType, body) = Route(path);
            var bytes = Encoding.UTF8.GetBytes(body);
            var head = string.Create(CultureInfo.InvariantCulture, $"HTTP/1.1 {status}\r\nContent-Type: {contentType}\r\nContent-Length: {bytes.Length}\r\nConnection: close\r\n\r\n");
            await socket.SendAsync(Encoding.ASCII.GetBytes(head), SocketFlags.None, timeout.Token);
            await socket.SendAsync(bytes, SocketFlags.None, timeout.Token);
            socket.Shutdown(SocketShutdown.Both);
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException or IOException)
        {
            Log.RequestFailed(_log, e.Message);
        }
    }

    private (string Status, string ContentType, string Body) Route(string? path) => path switch
    {
        null => ("400 Bad Request", "text/plain", "only GET requests are served\n"),
        "/healthz" => ("200 OK", "text/plain", "ok\n"),
        "/readyz" when _ready() => ("200 OK", "text/plain", "ready\n"),
        "/readyz" => ("503 Service Unavailable", "text/plain", "starting\n"),
        "/metrics" => ("200 OK", "text/plain; version=0.0.4; charset=utf-8", _metrics.Render()),
        _ => ("404 Not Found", "text/plain", "try /healthz, /readyz or /metrics\n"),
    };

    /// <summary>Reads the request head and returns the path of a GET, or null for anything else.</summary>
    private static async Task<string?> ReadPathAsync(Socket socket, CancellationToken cancellationToken)
    {
        var buffer = new byte[MaxRequestBytes];
        var length = 0;
        while (length < buffer.Length)
        {
            var read = await socket.ReceiveAsync(buffer.AsMemory(length), SocketFlags.None, cancellationToken);
            if (read == 0)
            {
                break;
            }

            length += read;
            if (buffer.AsSpan(0, length).IndexOf("\r\n\r\n"u8) >= 0)
            {
                break;
            }
        }

        var line = Encoding.ASCII.GetString(buffer, 0, length).Split("\r\n", 2)[0].Split(' ');
        if (line.Length < 2 || line[0] != "GET")
        {
            return null;
        }

        var query = line[1].IndexOf('?', StringComparison.Ordinal);
        return query >= 0 ? line[1][..query] : line[1];
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 40, Level = LogLevel.Debug, Message = "Health request failed: {Reason}")]
        public static partial void RequestFailed(ILogger logger, string reason);
    }
}
