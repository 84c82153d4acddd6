using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using LogSidecar.Bench.EventsFirehose;

// Usage: LogSidecar.Bench.EventsFirehose SIDECAR [EVENTS]
// Serves events.k8s.io/v1 over HTTPS as the API server does (an empty list, then a watch from its
// resourceVersion) with EVENTS (default 200000) ADDED events as fast as the client reads them, runs the
// sidecar binary on it with --events, stdout through a pipe, and prints how fast the records came out.
// The baseline, in the same run: the same watch read by a plain HTTPS client that only counts lines.
if (args.Length < 1)
{
    await Console.Error.WriteLineAsync("usage: LogSidecar.Bench.EventsFirehose SIDECAR [EVENTS]");
    return 2;
}

var sidecar = Path.GetFullPath(args[0]);
var count = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 200_000;
var work = Directory.CreateTempSubdirectory("events-firehose-");
try
{
    using var certificate = SelfSigned();
    var lines = Firehose.Render(count);
    await using var server = await Firehose.StartAsync(certificate, lines);
    var kubeconfig = Path.Combine(work.FullName, "kubeconfig");
    var ca = Convert.ToBase64String(Encoding.UTF8.GetBytes(certificate.ExportCertificatePem()));
    await File.WriteAllTextAsync(kubeconfig, $"""
        apiVersion: v1
        kind: Config
        clusters:
        - name: firehose
          cluster:
            server: https://127.0.0.1:{server.Port}
            certificate-authority-data: {ca}
        users:
        - name: bench
          user:
            token: bench
        contexts:
        - name: bench
          context:
            cluster: firehose
            user: bench
        current-context: bench
        """);

    var baseline = await Firehose.ReadWithPlainClientAsync(server.Port, certificate, count);
    Console.WriteLine($"baseline (HTTPS client counting watch lines): {count / baseline.TotalSeconds:N0} events/s, {lines.Sum(l => (long)l.Length) / baseline.TotalSeconds / 1e6:N1} MB/s");

    var start = Stopwatch.StartNew();
    using var process = Process.Start(new ProcessStartInfo(sidecar)
    {
        ArgumentList = { "--events", "--kubeconfig", kubeconfig, "--checkpoint-dir", Path.Combine(work.FullName, "state"), "--metrics-port", "0", "--log-level", "warn" },
        RedirectStandardOutput = true,
        RedirectStandardError = false,
    })!;
    long records = 0;
    long bytes = 0;
    var buffer = new byte[256 * 1024];
    var stdout = process.StandardOutput.BaseStream;
    long peakKb = 0;
    double cpu = 0;
    while (records < count)
    {
        var read = await stdout.ReadAsync(buffer);
        if (read == 0)
        {
            break;
        }

        bytes += read;
        records += buffer.AsSpan(0, read).Count((byte)'\n');
        (peakKb, cpu) = ProcessStats.Read(process.Id, peakKb, cpu);
    }

    var elapsed = start.Elapsed;
    (peakKb, cpu) = ProcessStats.Read(process.Id, peakKb, cpu);
    process.Kill();
    await process.WaitForExitAsync();
    Console.WriteLine($"logsidecar --events: {records:N0} records in {elapsed.TotalSeconds:N2} s (from start, API connection included): {records / elapsed.TotalSeconds:N0} events/s, {bytes / elapsed.TotalSeconds / 1e6:N1} MB/s out, {cpu:N2} CPU-s ({cpu / (records / 100_000.0):N2} CPU-s per 100k events), peak RSS {peakKb / 1024.0:N1} MB");
    return records >= count ? 0 : 1;
}
finally
{
    work.Delete(recursive: true);
}

static X509Certificate2 SelfSigned()
{
    using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256);
    var names = new SubjectAlternativeNameBuilder();
    names.AddIpAddress(IPAddress.Loopback);
    request.CertificateExtensions.Add(names.Build());
    request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
    using var created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddHours(1));
    return X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pkcs12), null);
}
