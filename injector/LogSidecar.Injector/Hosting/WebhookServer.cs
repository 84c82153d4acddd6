using System.Net;
using System.Net.Security;
using System.Security.Authentication;
using LogSidecar.Injector.Admission;
using LogSidecar.Injector.Configuration;
using LogSidecar.Injector.Controller;
using LogSidecar.Injector.Diagnostics;
using LogSidecar.Injector.Mutation;
using LogSidecar.Injector.Namespaces;
using Microsoft.AspNetCore.Server.Kestrel.Https;

namespace LogSidecar.Injector.Hosting;

/// <summary>
/// The HTTPS webhook (TLS 1.2+ only, certificate from <see cref="CertificateStore"/>):
/// <c>POST /inject/namespace-enabled</c>, <c>POST /inject/opt-in</c>, <c>/healthz</c>, <c>/readyz</c>, <c>/metrics</c>.
/// </summary>
internal static class WebhookServer
{
    public const string NamespaceEnabledPath = "/inject/namespace-enabled";
    public const string OptInPath = "/inject/opt-in";

    /// <summary>Bytes a connection buffers ahead of the handler (request buffer, HTTP/2 windows).</summary>
    public const int ConnectionBufferBytes = 128 * 1024;

    /// <summary>
    /// The webhook; with <paramref name="namespaces"/>, pods get their namespace's defaults and the server is ready once
    /// that cache has synced or failed its first list (it then answers without them: it fails open).
    /// </summary>
    public static WebApplication Build(InjectorOptions options, PodInjector injector, CertificateStore certificates, Action<ILoggingBuilder>? logging = null, NamespaceInformer? namespaces = null, PodController? controller = null)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], ContentRootPath = AppContext.BaseDirectory });
        // Per-request framework logs would flood at admission rates; our own outcome log is at Debug.
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Logging.AddSimpleConsole(console => console.SingleLine = true);
        logging?.Invoke(builder.Logging);
        var metrics = new InjectorMetrics();
        namespaces?.Register(metrics);
        controller?.Register(metrics);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;

            // Bodies past the limit are refused as they are read (the handler answers 413 with a message).
            kestrel.Limits.MaxRequestBodySize = options.MaxRequestBytes;

            // What a connection may hold before the handler reads it: a request waiting for a turn, or any other
            // client, buffers at most this much (Kestrel's defaults are about 1 MB a connection).
            kestrel.Limits.MaxRequestBufferSize = ConnectionBufferBytes;
            kestrel.Limits.Http2.InitialConnectionWindowSize = ConnectionBufferBytes;
            kestrel.Limits.Http2.InitialStreamWindowSize = ConnectionBufferBytes;
            kestrel.Limits.MaxConcurrentConnections = options.MaxConnections;
            kestrel.Limits.MaxConcurrentUpgradedConnections = 0;
            kestrel.Listen(IPAddress.Parse(options.ListenAddress), options.Port, listen =>
            {
                var plainHttp = new PlainHttpResponder(metrics, TimeProvider.System, kestrel.ApplicationServices.GetRequiredService<ILoggerFactory>().CreateLogger<PlainHttpResponder>());
                listen.Use(plainHttp.Wrap);

                // A handshake callback rather than a certificate selector: only SslServerAuthenticationOptions can carry an
                // SslStreamCertificateContext, which sends the chain from the certificate file with the leaf.
                listen.UseHttps(new TlsHandshakeCallbackOptions
                {
                    OnConnection = _ => ValueTask.FromResult(new SslServerAuthenticationOptions
                    {
#pragma warning disable CA5398 // TLS 1.2+ is a requirement: None would let an OS policy still allow TLS 1.0/1.1.
                        EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
#pragma warning restore CA5398
                        ServerCertificateContext = certificates.Current,
                    }),
                });
            });
        });
        builder.Services.AddSingleton(injector);
        builder.Services.AddSingleton(certificates);
        builder.Services.AddSingleton(metrics);
        builder.Services.AddSingleton(_ => new AdmissionGate(options.MaxConcurrentReviews, options.MaxQueuedReviews, TimeProvider.System, metrics));
        builder.Services.AddSingleton(services => new AdmissionHandler(
            injector, metrics, services.GetRequiredService<AdmissionGate>(), options.MaxRequestBytes, TimeProvider.System, services.GetRequiredService<ILogger<AdmissionHandler>>(), namespaces));

        var app = builder.Build();
        var handler = app.Services.GetRequiredService<AdmissionHandler>();
        app.MapPost(NamespaceEnabledPath, (HttpContext context) => handler.HandleAsync(context, EnablementMode.NamespaceEnabled));
        app.MapPost(OptInPath, (HttpContext context) => handler.HandleAsync(context, EnablementMode.OptIn));
        app.MapGet("/healthz", () => Results.Text("ok\n"));
        app.MapGet("/readyz", () => !certificates.IsLoaded
            ? Results.Text("no TLS certificate loaded\n", statusCode: StatusCodes.Status503ServiceUnavailable)
            : namespaces is { HasAnswered: false }
                ? Results.Text("the namespace cache is listing namespaces\n", statusCode: StatusCodes.Status503ServiceUnavailable)
                : Results.Text("ok\n"));
        app.MapGet("/metrics", () => Results.Text(metrics.Render(), "text/plain; version=0.0.4; charset=utf-8"));
        return app;
    }
}
