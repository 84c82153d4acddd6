using System.Buffers;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Logging;

namespace LogSidecar.Diagnostics;

/// <summary>
/// A deliberately small HTTP/1.1 server for <c>/healthz</c>, <c>/readyz</c> and <c>/metrics</c>:
/// one request per connection, GET only. Kestrel would triple the sidecar's memory for three URLs.
/// Anything in the pod can connect, so it is bounded: at most <see cref="MaxConnections"/> at once
/// (a new connection closes the oldest one still waiting for its request, so probes and scrapes get
/// through however many idle connections are opened), no buffer until a request's bytes arrive,
/// and <see cref="RequestTimeout"/> per connection.
/// </summary>
internal sealed partial class HealthServer : IDisposable
{
    public const int MaxConnections = 64;
    public static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(5);

    private const int MaxRequestBytes = 8192;
    private static readonly TimeSpan AcceptRetryDelay = TimeSpan.FromMilliseconds(100);

    private readonly TcpListener _listener;
    private readonly SidecarMetrics _metrics;
    private readonly Func<bool> _ready;
    private readonly TimeProvider _time;
    private readonly ILogger _log;

    // Guards _waiting and _open: the accept loop adds and evicts, each connection removes itself.
    private readonly Lock _lock = new();

    // Connections still waiting for their request, oldest first: the ones to close when over the limit.
    private readonly LinkedList<HealthConnection> _waiting = [];
    private int _open;

    private HealthServer(TcpListener listener, SidecarMetrics metrics, Func<bool> ready, TimeProvider time, ILogger log)
    {
        _listener = listener;
        _metrics = metrics;
        _ready = ready;
        _time = time;
        _log = log;
    }

    /// <summary>Binds the port; null with a message saying what to change when it cannot.</summary>
    public static HealthServer? TryStart(IPEndPoint endpoint, SidecarMetrics metrics, Func<bool> ready, TimeProvider time, ILogger log, out string? error)
    {
        var listener = new TcpListener(endpoint);
        try
        {
            listener.Start();
        }
        catch (SocketException e)
        {
            listener.Dispose();
            var cause = e.SocketErrorCode == SocketError.AddressAlreadyInUse
                ? $"port {endpoint.Port} is already in use, most likely by the app (the containers of a pod share one network)"
                : $"{e.Message} (port {endpoint.Port})";
            error = $"cannot serve /healthz, /readyz and /metrics on {endpoint}: {cause}. Set metrics.port (flag --metrics-port) to a free port, "
                + "or 0 to turn the endpoint off; in Kubernetes, set the pod annotation logsidecar.io/metrics-port to a port no container of the pod uses";
            return null;
        }

        error = null;
        return new HealthServer(listener, metrics, ready, time, log);
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
            catch (SocketException e)
            {
                // Out of descriptors, or the peer gave up before the accept: the endpoint stays up.
                Log.AcceptFailed(_log, e.Message);
                await DelayAsync(stop);
                continue;
            }

            _ = ServeAsync(client, stop);
        }
    }

    public void Dispose() => _listener.Dispose();

    /// <summary>
    /// Counts the connection in, closing the oldest waiting one first when the limit is reached; null
    /// (and the socket closed) in the rare case that every connection is being answered.
    /// </summary>
    private HealthConnection? Admit(Socket socket, CancellationToken stop)
    {
        var connection = new HealthConnection(socket, RequestTimeout, _time, stop);
        HealthConnection? evicted = null;
        var admitted = true;
        lock (_lock)
        {
            if (_open >= MaxConnections)
            {
                evicted = _waiting.First?.Value;
                if (evicted is null)
                {
                    admitted = false;
                }
                else
                {
                    StopWaiting(evicted);
                }
            }

            if (admitted)
            {
                _open++;
                connection.Node = _waiting.AddLast(connection);
            }
        }

        if (!admitted)
        {
            connection.Dispose();
            _metrics.HttpConnectionClosed(HttpCloseReason.OverLimit);
            return null;
        }

        // It counts itself out when its task ends.
        evicted?.Evict();
        return connection;
    }

    private async Task ServeAsync(Socket socket, CancellationToken stop)
    {
        // Admitted before the first await, so admissions and evictions follow the accept order.
        using var connection = Admit(socket, stop);
        if (connection is null)
        {
            return;
        }

        try
        {
            var path = await ReadPathAsync(connection.Socket, connection.Token);
            lock (_lock)
            {
                // Answering now: no longer one to close for a newcomer.
                StopWaiting(connection);
            }

            var (status, contentType, body) = Route(path);
            var bytes = Encoding.UTF8.GetBytes(body);
            var head = string.Create(CultureInfo.InvariantCulture, $"HTTP/1.1 {status}\r\nContent-Type: {contentType}\r\nContent-Length: {bytes.Length}\r\nConnection: close\r\n\r\n");
            await connection.Socket.SendAsync(Encoding.ASCII.GetBytes(head), SocketFlags.None, connection.Token);
            await connection.Socket.SendAsync(bytes, SocketFlags.None, connection.Token);
            connection.Socket.Shutdown(SocketShutdown.Both);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // The sidecar is stopping.
        }
        catch (OperationCanceledException) when (connection.Evicted)
        {
            _metrics.HttpConnectionClosed(HttpCloseReason.OverLimit);
        }
        catch (OperationCanceledException)
        {
            _metrics.HttpConnectionClosed(HttpCloseReason.Timeout);
        }
        catch (Exception e) when (e is SocketException or IOException)
        {
            Log.RequestFailed(_log, e.Message);
        }
        finally
        {
            lock (_lock)
            {
                StopWaiting(connection);
                _open--;
            }
        }
    }

    /// <summary>Takes the connection off the waiting list, if it is on it; called under the lock.</summary>
    private void StopWaiting(HealthConnection connection)
    {
        if (connection.Node is { } node)
        {
            _waiting.Remove(node);
            connection.Node = null;
        }
    }

    private async Task DelayAsync(CancellationToken stop)
    {
        try
        {
            await Task.Delay(AcceptRetryDelay, _time, stop);
        }
        catch (OperationCanceledException)
        {
            // Stopping: the loop ends.
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
        // An idle connection holds no buffer: wait for its first bytes with an empty read.
        await socket.ReceiveAsync(Memory<byte>.Empty, SocketFlags.None, cancellationToken);
        var buffer = ArrayPool<byte>.Shared.Rent(MaxRequestBytes);
        try
        {
            var length = 0;
            while (length < MaxRequestBytes)
            {
                var read = await socket.ReceiveAsync(buffer.AsMemory(length, MaxRequestBytes - length), SocketFlags.None, cancellationToken);
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
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 40, Level = LogLevel.Debug, Message = "Health request failed: {Reason}")]
        public static partial void RequestFailed(ILogger logger, string reason);

        [LoggerMessage(EventId = 41, Level = LogLevel.Debug, Message = "Accepting a health connection failed: {Reason}")]
        public static partial void AcceptFailed(ILogger logger, string reason);
    }
}
