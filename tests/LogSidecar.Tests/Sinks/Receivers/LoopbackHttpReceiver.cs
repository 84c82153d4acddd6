using System.Collections.Concurrent;
using System.Globalization;
using System.IO.Compression;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LogSidecar.Tests.Sinks.Receivers;

/// <summary>
/// A real HTTP server on 127.0.0.1 (Kestrel) that a backend's receiver builds on: it can be taken
/// down and brought back on the same port (an outage: every connection is reset meanwhile), and it
/// decodes gzip bodies as the backends do.
/// </summary>
internal abstract class LoopbackHttpReceiver : IAsyncDisposable
{
    private readonly Lock _lock = new();
    private readonly ConcurrentQueue<RequestFault> _faults = new();
    private WebApplication? _app;
    private Socket? _outage;
    private int _port;
    private TaskCompletionSource _answered = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Uri Endpoint => new($"{(Certificate is null ? "http" : "https")}://127.0.0.1:{_port}/");

    /// <summary>When set before <see cref="StartAsync"/>, the receiver serves HTTPS with this certificate.</summary>
    public X509Certificate2? Certificate { get; init; }

    /// <summary>Requests answered so far, whatever the answer.</summary>
    public int Requests => Volatile.Read(ref _requests);

    private int _requests;

    public async Task StartAsync()
    {
        EndOutage();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, _port, listen =>
        {
            if (Certificate is not null)
            {
                listen.UseHttps(Certificate);
            }
        }));
        builder.Services.AddRouting();
        var app = builder.Build();
        app.Run(async context =>
        {
            Interlocked.Increment(ref _requests);
            try
            {
                await HandleAsync(context);
            }
            finally
            {
                Pulse();
            }
        });
        await app.StartAsync(TestContext.Current.CancellationToken);
        _port = new Uri(app.Urls.First()).Port;
        _app = app;
    }

    /// <summary>
    /// Stops serving: every connection is reset until <see cref="StartAsync"/> again. The port stays bound
    /// meanwhile, because a freed loopback port is soon taken by another test's server (whose answers would
    /// be read as the backend's) or by one of the sidecar's own connections (a TCP self-connect).
    /// </summary>
    public async Task StopAsync()
    {
        if (_app is { } app)
        {
            _app = null;
            await app.StopAsync(TestContext.Current.CancellationToken);
            await app.DisposeAsync();
            BeginOutage();
        }
    }

    public async ValueTask DisposeAsync()
    {
        EndOutage();
        if (_app is not null)
        {
            await _app.StopAsync(TestContext.Current.CancellationToken);
            await _app.DisposeAsync();
            _app = null;
        }

        GC.SuppressFinalize(this);
    }

    /// <summary>Waits until <paramref name="condition"/> holds, checking after every request; the timeout only bounds a failing test.</summary>
    public async Task WaitUntilAsync(Func<bool> condition, string what, TimeSpan? timeout = null)
    {
        using var limit = new CancellationTokenSource(timeout ?? ChildProcess.DefaultTimeout);
        while (true)
        {
            Task answered;
            lock (_lock)
            {
                answered = _answered.Task;
            }

            if (condition())
            {
                return;
            }

            try
            {
                await answered.WaitAsync(limit.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"the receiver did not see {what} in time ({Requests} requests so far)");
            }
        }
    }

    /// <summary>The next requests get these faults, one each, in order, instead of being processed.</summary>
    public void FailNext(params RequestFault[] faults)
    {
        foreach (var fault in faults)
        {
            _faults.Enqueue(fault);
        }
    }

    protected abstract Task HandleAsync(HttpContext context);

    private void BeginOutage()
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, _port));
        socket.Listen();
        _outage = socket;
        _ = ResetEveryConnectionAsync(socket);
    }

    private void EndOutage()
    {
        _outage?.Dispose();
        _outage = null;
    }

    // Closing with a zero linger sends RST: the client sees "connection reset", a network failure it retries.
    private static async Task ResetEveryConnectionAsync(Socket listener)
    {
        try
        {
            while (true)
            {
                using var connection = await listener.AcceptAsync();
                connection.LingerState = new LingerOption(true, 0);
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // The outage ended: the listener was closed.
        }
    }

    /// <summary>
    /// Answers the request with the next injected fault, if any: a reset connection, or the status
    /// with its Retry-After and the error body the backend would send. True when it did.
    /// </summary>
    protected async Task<bool> AnswerFaultAsync(HttpContext context, Func<RequestFault, Task> writeError)
    {
        if (!_faults.TryDequeue(out var fault))
        {
            return false;
        }

        if (fault.ResetConnection)
        {
            context.Abort();
            return true;
        }

        context.Response.StatusCode = fault.Status;
        if (fault.RetryAfterSeconds is { } seconds)
        {
            context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        }

        await writeError(fault);
        return true;
    }

    private void Pulse()
    {
        lock (_lock)
        {
            _answered.TrySetResult();
            _answered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
    }

    /// <summary>The request body, gunzipped when the client said it is gzip.</summary>
    protected static async Task<byte[]> ReadBodyAsync(HttpRequest request)
    {
        using var body = new MemoryStream();
        if (request.Headers.ContentEncoding.ToString() == "gzip")
        {
            await using var gzip = new GZipStream(request.Body, CompressionMode.Decompress);
            await gzip.CopyToAsync(body);
        }
        else
        {
            await request.Body.CopyToAsync(body);
        }

        return body.ToArray();
    }
}
