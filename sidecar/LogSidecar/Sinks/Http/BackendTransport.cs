using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using LogSidecar.Diagnostics;
using Microsoft.Extensions.Logging;

namespace LogSidecar.Sinks.Http;

/// <summary>
/// The HTTP side of a shipping sink: POSTs a body with the sink's credentials, headers, compression
/// and time limit, and hands the response to the caller's reader within that limit, or says which
/// transport failure kept an answer from arriving. What an answer means for each record, and when
/// to send again, is the batching policy's, not this class's.
/// </summary>
internal sealed partial class BackendTransport : IDisposable
{
    private readonly TransportOptions _options;
    private readonly HttpClient _client;
    private readonly CredentialFiles _credentials;
    private readonly SinkMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger _log;
    private readonly MemoryStream _compressed = new();
    private string? _credentialsProblem;

    public BackendTransport(TransportOptions options, X509Certificate2Collection trust, SinkMetrics metrics, TimeProvider time, ILogger log)
    {
        _options = options;
        _client = BackendHttpClient.Create(trust);
        _credentials = new CredentialFiles(options.CredentialsDir, time);
        _metrics = metrics;
        _time = time;
        _log = log;
    }

    /// <summary>
    /// Sends <paramref name="body"/> once and lets <paramref name="read"/> interpret the response; the
    /// time limit covers reading the answer too. A 401/403 makes the credential files be read again
    /// before the next request.
    /// </summary>
    public async Task<TransportResult<T>> PostAsync<T>(
        Uri target, string contentType, ReadOnlyMemory<byte> body, Func<HttpResponseMessage, CancellationToken, Task<T>> read, CancellationToken abort)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, target) { Content = Content(body, contentType) };
        request.Headers.Authorization = _credentials.Header;
        foreach (var (name, value) in _options.Headers)
        {
            request.Headers.Add(name, value);
        }

        ReportCredentialsProblem();

        using var timeout = new CancellationTokenSource(_options.Timeout, _time);
        using var either = CancellationTokenSource.CreateLinkedTokenSource(abort, timeout.Token);
        try
        {
            _metrics.Requested(request.Content.Headers.ContentLength ?? 0);
            using var response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, either.Token);
            if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
            {
                _credentials.Invalidate();
                Log.Unauthorized(_log, _options.Name, (int)response.StatusCode, _options.CredentialsDir ?? "(none)");
            }

            return new TransportResult<T>(await read(response, either.Token), null);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !abort.IsCancellationRequested)
        {
            return TransportResult<T>.Failed("timeout");
        }
        catch (HttpRequestException e) when (e.GetBaseException() is AuthenticationException tls)
        {
            Log.TlsFailed(_log, _options.Name, tls.Message);
            return TransportResult<T>.Failed("tls");
        }
        catch (HttpRequestException e)
        {
            Log.TransportFailed(_log, _options.Name, e.GetBaseException().Message);
            return TransportResult<T>.Failed("network");
        }
        catch (Exception e) when (e is IOException or SocketException)
        {
            // A connection reset just after it opened escapes HttpClient as a bare SocketException (its pool
            // reads the remote address of the dead socket): a network failure like any other, not a reason to stop.
            Log.TransportFailed(_log, _options.Name, e.Message);
            return TransportResult<T>.Failed("network");
        }
    }

    public void Dispose()
    {
        _client.Dispose();
        _compressed.Dispose();
    }

    private HttpContent Content(ReadOnlyMemory<byte> body, string contentType)
    {
        HttpContent content;
        if (_options.Gzip)
        {
            _compressed.SetLength(0);
            using (var gzip = new GZipStream(_compressed, CompressionLevel.Fastest, leaveOpen: true))
            {
                gzip.Write(body.Span);
            }

            content = new ByteArrayContent(_compressed.GetBuffer(), 0, (int)_compressed.Length);
            content.Headers.ContentEncoding.Add("gzip");
        }
        else
        {
            content = new ReadOnlyMemoryContent(body);
        }

        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        return content;
    }

    private void ReportCredentialsProblem()
    {
        if (_credentials.Problem != _credentialsProblem)
        {
            _credentialsProblem = _credentials.Problem;
            if (_credentialsProblem is not null)
            {
                Log.NoCredentials(_log, _options.Name, _credentialsProblem);
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 75, Level = LogLevel.Error, Message = "Sink {Sink}: TLS handshake failed: {Reason}. Check caFile (it must hold the CA that signed the backend's certificate) and that the endpoint's host name is in that certificate")]
        public static partial void TlsFailed(ILogger logger, string sink, string reason);

        [LoggerMessage(EventId = 71, Level = LogLevel.Warning, Message = "Sink {Sink}: request failed: {Reason}")]
        public static partial void TransportFailed(ILogger logger, string sink, string reason);

        [LoggerMessage(EventId = 72, Level = LogLevel.Error, Message = "Sink {Sink}: the backend answered {Status} (credentials refused); re-reading the credential files in {Directory} and retrying. Check the Secret's values and the user's privileges")]
        public static partial void Unauthorized(ILogger logger, string sink, int status, string directory);

        [LoggerMessage(EventId = 73, Level = LogLevel.Error, Message = "Sink {Sink}: {Problem}")]
        public static partial void NoCredentials(ILogger logger, string sink, string problem);
    }
}
