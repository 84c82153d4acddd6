using System.Net;
using System.Net.Http.Headers;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;

namespace LogSidecar.Sources.Kubernetes;

/// <summary>
/// The few HTTP calls a source makes to the Kubernetes API (get, create, update, list, watch), over one
/// connection pool: TLS verified against the cluster's CA (or the system's roots), the client certificate
/// offered when the kubeconfig has one, and the bearer token sent with each request (a token file is read
/// again every minute, since projected service-account tokens are rotated by the kubelet).
/// </summary>
internal sealed class KubernetesApiClient : IDisposable
{
    private static readonly TimeSpan TokenRereadInterval = TimeSpan.FromMinutes(1);

    private readonly ClusterAccess _access;
    private readonly HttpClient _http;
    private readonly TimeProvider _time;

    // The token and when it was read; replaced whole, read by any request.
    private volatile TokenReading? _token;

    public KubernetesApiClient(ClusterAccess access, TimeProvider time)
    {
        _access = access;
        _time = time;
#pragma warning disable CA2000 // The client owns the handler and disposes it with itself.
        var handler = new SocketsHttpHandler
        {
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(90),
            ConnectTimeout = TimeSpan.FromSeconds(10),
            SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = ValidateServer,
                ClientCertificates = access.ClientCertificate is null ? null : [access.ClientCertificate],
            },
        };

        // Watches stay open for minutes; each call sets its own deadline instead.
        _http = new HttpClient(handler, disposeHandler: true) { BaseAddress = access.Server, Timeout = Timeout.InfiniteTimeSpan };
#pragma warning restore CA2000
    }

    /// <summary>Sends one request and reads the whole answer, within <paramref name="timeout"/>. Transport failures are answers too (status 0).</summary>
    public async Task<ApiAnswer> SendAsync(HttpMethod method, string pathAndQuery, byte[]? jsonBody, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            using var request = Request(method, pathAndQuery, jsonBody);
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, deadline.Token).ConfigureAwait(false);
            var body = await response.Content.ReadAsByteArrayAsync(deadline.Token).ConfigureAwait(false);
            return new ApiAnswer((int)response.StatusCode, body, null);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new ApiAnswer(0, [], $"no answer from {_access.Server} within {timeout.TotalSeconds:0} s");
        }
        catch (Exception e) when (e is HttpRequestException or SocketException) // a reset just after connecting escapes HttpClient unwrapped
        {
            return new ApiAnswer(0, [], $"{_access.Server}: {e.Message}");
        }
    }

    /// <summary>Opens a watch: the answer's status and, when it is 200, the stream of JSON lines (the caller disposes it).</summary>
    public async Task<WatchOpening> OpenWatchAsync(string pathAndQuery, TimeSpan connectTimeout, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(connectTimeout);
        HttpResponseMessage? response = null;
        try
        {
            using var request = Request(HttpMethod.Get, pathAndQuery, null);
            response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, deadline.Token).ConfigureAwait(false);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                var body = await response.Content.ReadAsByteArrayAsync(deadline.Token).ConfigureAwait(false);
                return new WatchOpening(new ApiAnswer((int)response.StatusCode, body, null), null);
            }

            var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
#pragma warning disable CA2000 // The caller owns the lines (and through them the response) and disposes them.
            var opening = new WatchOpening(new ApiAnswer(200, [], null), new WatchLines(response, stream));
#pragma warning restore CA2000
            response = null;
            return opening;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new WatchOpening(new ApiAnswer(0, [], $"no answer from {_access.Server} within {connectTimeout.TotalSeconds:0} s"), null);
        }
        catch (Exception e) when (e is HttpRequestException or SocketException) // a reset just after connecting escapes HttpClient unwrapped
        {
            return new WatchOpening(new ApiAnswer(0, [], $"{_access.Server}: {e.Message}"), null);
        }
        finally
        {
            response?.Dispose();
        }
    }

    public void Dispose() => _http.Dispose();

    private HttpRequestMessage Request(HttpMethod method, string pathAndQuery, byte[]? jsonBody)
    {
        var request = new HttpRequestMessage(method, pathAndQuery);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        if (Token() is { Length: > 0 } token)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        if (jsonBody is not null)
        {
            request.Content = new ByteArrayContent(jsonBody);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue(
                method == HttpMethod.Patch ? "application/merge-patch+json" : "application/json");
        }

        return request;
    }

    private string? Token()
    {
        if (_access.TokenFile is not { } file)
        {
            return _access.Token;
        }

        var now = _time.GetUtcNow();
        var current = _token;
        if (current is null || now - current.ReadAt >= TokenRereadInterval)
        {
            try
            {
                current = new TokenReading(File.ReadAllText(file).Trim(), now);
                _token = current;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Keep the last token: the API answers 401 if it has expired, and that answer is reported.
            }
        }

        return current?.Token ?? _access.Token;
    }

    private bool ValidateServer(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (_access.SkipTlsVerify || errors == SslPolicyErrors.None)
        {
            return true;
        }

        if (_access.CertificateAuthorities is not { Count: > 0 } authorities || certificate is null
            || (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) != 0)
        {
            return false;
        }

        // The system's roots do not know the cluster's CA: verify against it alone.
        using var custom = new X509Chain();
        custom.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        custom.ChainPolicy.CustomTrustStore.AddRange(authorities);
        custom.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        using var leaf = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        return custom.Build(leaf);
    }

    private sealed record TokenReading(string Token, DateTimeOffset ReadAt);
}
