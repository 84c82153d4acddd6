namespace LogSidecar.Tests.Sources.Audit;

/// <summary>The audit flags refuse to start on what cannot work, with exit code 2 and a message naming the flag.</summary>
public class AuditFlagsTests
{
    [Fact]
    public async Task MissingCertificateFileStopsTheStartNamingTlsCert()
    {
        using var endpoint = new AuditEndpoint();
        File.Delete(endpoint.CertFile);

        var (code, errors) = await RunAsync(endpoint.Flags());

        Assert.Equal(2, code);
        Assert.Contains("--tls-cert (sources.audit.tlsCert): cannot read", errors, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ClientCaFileWithoutACertificateStopsTheStartNamingClientCa()
    {
        using var endpoint = new AuditEndpoint();
        await File.WriteAllTextAsync(endpoint.CaFile, "not PEM at all\n", TestContext.Current.CancellationToken);

        var (code, errors) = await RunAsync(endpoint.Flags());

        Assert.Equal(2, code);
        Assert.Contains("--client-ca (sources.audit.clientCa)", errors, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PortInUseStopsTheStartNamingAuditListen()
    {
        using var endpoint = new AuditEndpoint();
        using var taken = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, endpoint.Port);
        taken.Start();

        var (code, errors) = await RunAsync(endpoint.Flags());

        Assert.Equal(2, code);
        Assert.Contains($"--audit-listen (sources.audit.listen): cannot listen on 127.0.0.1:{endpoint.Port}: port {endpoint.Port} is already in use", errors, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NoWayToAuthenticateTheApiServerIsAConfigurationError()
    {
        using var endpoint = new AuditEndpoint();

        var (code, errors) = await RunAsync(endpoint.Flags(clientCa: false, token: false));

        Assert.Equal(2, code);
        Assert.Contains("sources.audit: no way to authenticate the API server", errors, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ListenWithoutAPortIsAConfigurationErrorNamingTheFlag()
    {
        using var endpoint = new AuditEndpoint();
        var flags = endpoint.Flags();
        flags[1] = "127.0.0.1";

        var (code, errors) = await RunAsync(flags);

        Assert.Equal(2, code);
        Assert.Contains("sources.audit.listen: '127.0.0.1' is not an address and port", errors, StringComparison.Ordinal);
        Assert.Contains("(flag --audit-listen)", errors, StringComparison.Ordinal);
    }

    private static async Task<(int Code, string Errors)> RunAsync(List<string> flags)
    {
        await using var sidecar = SidecarProcess.Start(flags);
        var code = await sidecar.Process.WaitForExitAsync();
        return (code, sidecar.Process.Errors);
    }
}
