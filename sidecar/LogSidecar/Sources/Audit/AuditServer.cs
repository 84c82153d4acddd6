using System.Buffers;
using System.Globalization;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Microsoft.Extensions.Logging;

namespace LogSidecar.Sources.Audit;

/// <summary>
/// The HTTPS endpoint of the API server's audit webhook backend: a small HTTP/1.1 server with
/// keep-alive over <see cref="SslStream"/> (TLS 1.2 and 1.3), so the sidecar stays Native AOT without
/// Kestrel. Every request must carry a client certificate from the configured CA or the configured
/// bearer token (401 when it carries neither, 403 when what it carries is not accepted); a POSTed
/// EventList is checked whole (400 and nothing spooled otherwise), spooled and flushed to disk, and
/// only then answered 200; 429 with Retry-After when the spool is full. Bounded: at most
/// <see cref="MaxConnections"/> connections, heads of <see cref="MaxHeadBytes"/>, bodies of
/// <c>maxRequestBytes</c>, and <see cref="BodiesInMemory"/> bodies held at once.
/// </summary>
internal sealed partial class AuditServer : IDisposable
{
    public const int MaxConnections = 256;
    public const int MaxHeadBytes = 16 * 1024;
    public const int BodiesInMemory = 4;
    public static readonly TimeSpan HandshakeTimeout = TimeSpan.FromSeconds(10);
    public static readonly TimeSpan IdleTimeout = TimeSpan.FromSeconds(120);
    public static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(60);

    private readonly TcpListener _listener;
    private readonly CredentialWatch _credentials;
    private readonly AuditSpool _spool;
    private readonly AuditMetrics _metrics;
    private readonly int _maxRequestBytes;
    private readonly int _retryAfterSeconds;
    private readonly TimeProvider _time;
    private readonly ILogger _log;
    private readonly SemaphoreSlim _bodies = new(BodiesInMemory);

    // Guards _connections: the accept loop adds, each connection removes itself; stopping waits for the rest.
    private readonly Lock _lock = new();
    private readonly HashSet<Task> _connections = [];

    // Codes already reported at warning level: each kind of refusal is reported once, then counted only.
    private int _reported;

    private AuditServer(TcpListener listener, CredentialWatch credentials, AuditSpool spool, AuditMetrics metrics, int maxRequestBytes, int retryAfterSeconds, TimeProvider time, ILogger log)
    {
        _listener = listener;
        _credentials = credentials;
        _spool = spool;
        _metrics = metrics;
        _maxRequestBytes = maxRequestBytes;
        _retryAfterSeconds = retryAfterSeconds;
        _time = time;
        _log = log;
    }

    public IPEndPoint Endpoint => (IPEndPoint)_listener.LocalEndpoint;

    /// <summary>Binds the address; null with a message naming the flag when it cannot.</summary>
    public static AuditServer? TryStart(IPEndPoint endpoint, CredentialWatch credentials, AuditSpool spool, AuditMetrics metrics, int maxRequestBytes, int retryAfterSeconds, TimeProvider time, ILogger log, out string? error)
    {
        var listener = new TcpListener(endpoint);
        try
        {
            listener.Start(MaxConnections);
        }
        catch (SocketException e)
        {
            listener.Dispose();
            var cause = e.SocketErrorCode == SocketError.AddressAlreadyInUse ? $"port {endpoint.Port} is already in use" : e.Message;
            error = $"--audit-listen (sources.audit.listen): cannot listen on {endpoint}: {cause}; give a free port, or an address of this host";
            return null;
        }

        error = null;
        return new AuditServer(listener, credentials, spool, metrics, maxRequestBytes, retryAfterSeconds, time, log);
    }

    /// <summary>Accepts connections until <paramref name="stop"/>, then waits for the requests being answered.</summary>
    public async Task RunAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptSocketAsync(stop);
            }
            catch (OperationCanceledException)
            {
                break;
            }
            catch (SocketException e)
            {
                // Out of descriptors, or the peer gave up before the accept: the endpoint stays up.
                Log.AcceptFailed(_log, e.Message);
                continue;
            }

            lock (_lock)
            {
                if (_connections.Count >= MaxConnections)
                {
                    _metrics.ConnectionRefused();
                    socket.Dispose();
                    continue;
                }

#pragma warning disable CA2025 // The connection's task owns the socket and disposes it.
                var task = ServeAsync(socket, stop);
#pragma warning restore CA2025
                _connections.Add(task);
                _ = task.ContinueWith(Forget, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            }
        }

        _listener.Stop();
        Task[] open;
        lock (_lock)
        {
            open = [.. _connections];
        }

        await Task.WhenAll(open);
    }

    public void Dispose()
    {
        _listener.Dispose();
        _bodies.Dispose();
    }

    private void Forget(Task connection)
    {
        lock (_lock)
        {
            _connections.Remove(connection);
        }
    }

    private async Task ServeAsync(Socket socket, CancellationToken stop)
    {
        // Off the accept loop at once: the handshake is the connection's own work.
        await Task.Yield();
        var credentials = _credentials.Current;
        var client = new ClientCertificate();
        await using var tls = new SslStream(new NetworkStream(socket, ownsSocket: true), leaveInnerStreamOpen: false);
        var options = new SslServerAuthenticationOptions
        {
            ServerCertificateContext = credentials.Server,
            ClientCertificateRequired = credentials.RequestsCertificate,
#pragma warning disable CA5398 // Audit events must never travel over TLS 1.0 or 1.1, whatever the system's OpenSSL allows.
            EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
#pragma warning restore CA5398
            ApplicationProtocols = [SslApplicationProtocol.Http11],
            CertificateRevocationCheckMode = X509RevocationMode.NoCheck,

            // Decided here, refused over HTTP: a refused handshake would leave the client without a reason and the refusal uncounted.
#pragma warning disable CA5359 // The client's certificate is verified against the client CA here; a request without an accepted one is refused with 401/403.
            RemoteCertificateValidationCallback = (_, certificate, chain, _) =>
            {
                client.Presented = certificate is not null;
                client.Accepted = certificate is not null && credentials.CertificateAccepted(certificate, chain);
                return true;
            },
#pragma warning restore CA5359
        };

        try
        {
            using (var timeout = new CancellationTokenSource(HandshakeTimeout, _time))
            using (var handshake = CancellationTokenSource.CreateLinkedTokenSource(stop, timeout.Token))
            {
                await tls.AuthenticateAsServerAsync(options, handshake.Token);
            }

            var reader = new HttpRequestReader(tls, MaxHeadBytes);
            while (!stop.IsCancellationRequested)
            {
                using var timeout = new CancellationTokenSource(IdleTimeout, _time);
                using var deadline = CancellationTokenSource.CreateLinkedTokenSource(stop, timeout.Token);
                var answer = await AnswerAsync(tls, reader, client, credentials, timeout, deadline.Token);
                if (answer is null)
                {
                    return;
                }

                await WriteAsync(tls, answer, deadline.Token);
                if (answer.Close)
                {
                    return;
                }
            }
        }
        catch (Exception e) when (e is AuthenticationException || (e is OperationCanceledException or IOException && !tls.IsAuthenticated))
        {
            if (!stop.IsCancellationRequested)
            {
                _metrics.HandshakeFailed();
                Log.HandshakeFailed(_log, e.Message);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or SocketException or ObjectDisposedException)
        {
            // The client went away, idled past the limit, or the sidecar is stopping: nothing to answer.
            Log.ConnectionEnded(_log, e.Message);
        }
    }

    /// <summary>Reads one request and decides its answer; null when the connection ended cleanly between requests.</summary>
    private async Task<AuditAnswer?> AnswerAsync(SslStream tls, HttpRequestReader reader, ClientCertificate client, AuditCredentials credentials, CancellationTokenSource timeout, CancellationToken cancellationToken)
    {
        ReadOnlyMemory<byte>? headBytes;
        try
        {
            headBytes = await reader.ReadHeadAsync(cancellationToken);
        }
        catch (InvalidDataException e)
        {
            return Count(new AuditAnswer(431, e.Message, Close: true));
        }

        if (headBytes is not { } bytes)
        {
            return null;
        }

        // From its head on, a request has RequestTimeout to arrive whole and be answered.
        timeout.CancelAfter(RequestTimeout);
        if (HttpRequestHead.Parse(bytes.Span, out var headError) is not { } head)
        {
            return Count(new AuditAnswer(400, headError!, Close: true));
        }

        var token = head.BearerToken;
        if (!client.Accepted && !(token is not null && credentials.TokenAccepted(token)))
        {
            return client.Presented || head.Authorization is not null
                ? Count(new AuditAnswer(403, "the client certificate is not signed by a CA of --client-ca (sources.audit.clientCa) for client authentication, or the bearer token is not the one in --audit-token-file (sources.audit.tokenFile)", Close: true))
                : Count(new AuditAnswer(401, "no client certificate and no bearer token; the API server's webhook kubeconfig must give a client certificate signed by the configured client CA, or the configured token", Close: true));
        }

        if (head.Method != "POST")
        {
            return Count(new AuditAnswer(405, "only POST is served: the API server's audit webhook backend POSTs audit.k8s.io/v1 EventLists here", Close: true));
        }

        if (head.Chunked || head.ContentLength is not { } length)
        {
            return Count(new AuditAnswer(411, "send the body with a Content-Length", Close: true));
        }

        if (length > _maxRequestBytes)
        {
            return Count(new AuditAnswer(413, $"the body has {length} bytes, more than sources.audit.maxRequestBytes ({_maxRequestBytes}); lower the API server's --audit-webhook-batch-max-size or raise maxRequestBytes", Close: true));
        }

        if (head.ExpectContinue)
        {
            await tls.WriteAsync("HTTP/1.1 100 Continue\r\n\r\n"u8.ToArray(), cancellationToken);
        }

        await _bodies.WaitAsync(cancellationToken);
        var body = ArrayPool<byte>.Shared.Rent((int)length);
        try
        {
            await reader.ReadBodyAsync(body.AsMemory(0, (int)length), cancellationToken);
            var lines = new ArrayBufferWriter<byte>((int)length + 1024);
            if (EventListReader.Read(body.AsMemory(0, (int)length), lines, out var events) is { } invalid)
            {
                return Count(new AuditAnswer(400, invalid));
            }

            if (events == 0)
            {
                return Count(new AuditAnswer(200, "accepted 0 events"));
            }

            return await _spool.AppendAsync(lines.WrittenMemory, events) switch
            {
                SpoolOutcome.Written => Count(new AuditAnswer(200, string.Create(CultureInfo.InvariantCulture, $"accepted {events} events"))),
                SpoolOutcome.Full => Count(new AuditAnswer(429, "the spool is full (sources.audit.spoolMaxBytes) until the stream's sink takes what it holds; the API server sends the batch again")),
                _ => Count(new AuditAnswer(503, "the spool cannot be written (see the sidecar's log); the API server sends the batch again")),
            };
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(body);
            _bodies.Release();
        }
    }

    private AuditAnswer Count(AuditAnswer answer)
    {
        _metrics.Answered(answer.Code);
        var bit = 1 << AuditMetrics.IndexOf(answer.Code);
        if (answer.Code != 200 && (Interlocked.Or(ref _reported, bit) & bit) == 0)
        {
            Log.Refused(_log, answer.Code, answer.Message);
        }

        return answer;
    }

    private async Task WriteAsync(SslStream tls, AuditAnswer answer, CancellationToken cancellationToken)
    {
        var body = Encoding.UTF8.GetBytes(answer.Message + "\n");
        var head = new StringBuilder(256)
            .Append(CultureInfo.InvariantCulture, $"HTTP/1.1 {answer.Code} {AuditAnswer.Reason(answer.Code)}\r\n")
            .Append("Content-Type: text/plain; charset=utf-8\r\n")
            .Append(CultureInfo.InvariantCulture, $"Content-Length: {body.Length}\r\n");
        _ = answer.Code switch
        {
            429 or 503 => head.Append(CultureInfo.InvariantCulture, $"Retry-After: {_retryAfterSeconds}\r\n"),
            401 => head.Append("WWW-Authenticate: Bearer\r\n"),
            405 => head.Append("Allow: POST\r\n"),
            _ => head,
        };
        if (answer.Close)
        {
            head.Append("Connection: close\r\n");
        }

        head.Append("\r\n");
        var bytes = Encoding.ASCII.GetBytes(head.ToString());
        await tls.WriteAsync(bytes, cancellationToken);
        await tls.WriteAsync(body, cancellationToken);
        await tls.FlushAsync(cancellationToken);
        if (answer.Close)
        {
            await tls.ShutdownAsync();
        }
    }

    /// <summary>What the TLS handshake learned of the client's certificate.</summary>
    private sealed class ClientCertificate
    {
        public bool Presented { get; set; }

        public bool Accepted { get; set; }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 100, Level = LogLevel.Warning, Message = "Audit endpoint answered {Code}: {Reason} (reported once per code; logsidecar_audit_requests_total counts every answer)")]
        public static partial void Refused(ILogger logger, int code, string reason);

        [LoggerMessage(EventId = 101, Level = LogLevel.Debug, Message = "Audit endpoint TLS handshake failed: {Reason}")]
        public static partial void HandshakeFailed(ILogger logger, string reason);

        [LoggerMessage(EventId = 102, Level = LogLevel.Debug, Message = "Audit endpoint connection ended: {Reason}")]
        public static partial void ConnectionEnded(ILogger logger, string reason);

        [LoggerMessage(EventId = 103, Level = LogLevel.Debug, Message = "Accepting an audit endpoint connection failed: {Reason}")]
        public static partial void AcceptFailed(ILogger logger, string reason);
    }
}
