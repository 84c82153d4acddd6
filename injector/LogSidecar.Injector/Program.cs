using System.Reflection;
using k8s;
using LogSidecar.Injector.Certificates;
using LogSidecar.Injector.Configuration;
using LogSidecar.Injector.Controller;
using LogSidecar.Injector.Hosting;
using LogSidecar.Injector.Mutation;
using LogSidecar.Injector.Namespaces;
using LogSidecar.Injector.Offline;

var errors = new List<string>();
var flags = CommandLine.Parse(args, errors);
if (flags.Help)
{
    await Console.Out.WriteLineAsync(Usage.Text);
    return 0;
}

if (flags.Version)
{
    await Console.Out.WriteLineAsync(typeof(PodInjector).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown");
    return 0;
}

var options = InjectorOptionsLoader.Load(flags, Environment.GetEnvironmentVariable, errors);
if (options is not null)
{
    errors.AddRange(InjectorOptionsValidator.Validate(options, serving: flags.Command == "serve"));
}

if (options is null || errors.Count > 0)
{
    await Console.Error.WriteLineAsync("logsidecar-injector: invalid arguments or configuration:");
    foreach (var error in errors)
    {
        await Console.Error.WriteLineAsync($"  - {error}");
    }

    return 2;
}

if (flags.Command == "inject")
{
    var offline = new PodInjector(options, InjectorOptionsLoader.NativeByDefault(options, discovered: null));
    int Offline(TextReader input) => flags.Explain
        ? ExplainCommand.Run(input, Console.Out, Console.Error, offline)
        : InjectCommand.Run(input, Console.Out, Console.Error, flags.Output, offline);
    if (flags.InputFile == "-")
    {
        return Offline(Console.In);
    }

    try
    {
        using var input = File.OpenText(flags.InputFile!);
        return Offline(input);
    }
    catch (Exception e) when (e is IOException or UnauthorizedAccessException)
    {
        await Console.Error.WriteLineAsync($"logsidecar-injector: cannot read {flags.InputFile}: {e.Message}");
        return 2;
    }
}

if (flags.Command == "check")
{
    var (clusterConfig, noCluster) = KubernetesAccess.ForCheck();
    if (clusterConfig is null)
    {
        await Console.Error.WriteLineAsync($"logsidecar-injector check: {noCluster}");
        return 2;
    }

    using (var client = new Kubernetes(clusterConfig))
    {
        using var checkLogs = LoggerFactory.Create(logging => logging.AddSimpleConsole(console => console.SingleLine = true).SetMinimumLevel(LogLevel.Warning));
        var version = options.Native == NativeModes.Auto && options.KubernetesVersion is null
            ? await KubernetesVersionProbe.DiscoverAsync(client, checkLogs.CreateLogger("LogSidecar.Injector"), CancellationToken.None)
            : null;
        return await CheckCommand.RunAsync(client, options, new PodInjector(options, InjectorOptionsLoader.NativeByDefault(options, version)), Console.Out, Console.Error, CancellationToken.None);
    }
}

using var startupLogs = LoggerFactory.Create(logging => logging.AddSimpleConsole(console => console.SingleLine = true));
var logger = startupLogs.CreateLogger("LogSidecar.Injector");
var (cluster, clusterError) = KubernetesAccess.ForServe(Environment.GetEnvironmentVariable("KUBECONFIG"));
if (clusterError is not null)
{
    await Console.Error.WriteLineAsync($"logsidecar-injector: {clusterError}");
    return 2;
}

using var kubernetes = cluster is null ? null : new Kubernetes(cluster);
SelfSignedCertificates? selfSigned = null;
CertificateSyncResult? firstCheck = null;
if (options.SelfSigned.Enabled)
{
    if (kubernetes is null)
    {
        await Console.Error.WriteLineAsync("logsidecar-injector: selfSigned.enabled needs the Kubernetes API: run it in a pod (KUBERNETES_SERVICE_HOST and a service account token) or set KUBECONFIG, or turn selfSigned off and pass --tls-cert/--tls-key");
        return 2;
    }

    selfSigned = new SelfSignedCertificates(options, kubernetes, TimeProvider.System, logger);
    firstCheck = await selfSigned.SyncAsync(CancellationToken.None);
    if (firstCheck.Error is { } selfSignedError)
    {
        await Console.Error.WriteLineAsync($"logsidecar-injector: self-signed certificate: {selfSignedError}");
        return 2;
    }
}

using var certificates = new CertificateStore(options.TlsCertFile, options.TlsKeyFile, logger);
if (!certificates.TryLoadNow(out var certificateError))
{
    await Console.Error.WriteLineAsync($"logsidecar-injector: {certificateError}");
    return 2;
}

var discovered = options.Native == NativeModes.Auto && options.KubernetesVersion is null
    && kubernetes is not null
    ? await KubernetesVersionProbe.DiscoverAsync(kubernetes, logger, CancellationToken.None)
    : null;
var injector = new PodInjector(options, InjectorOptionsLoader.NativeByDefault(options, discovered));
NamespaceInformer? namespaces = null;
if (options.NamespaceDefaults && kubernetes is null)
{
    await Console.Error.WriteLineAsync("logsidecar-injector: namespaceDefaults needs the Kubernetes API (run it in a pod, or set KUBECONFIG); without it, namespace annotations are not read (set namespaceDefaults to false to silence this)");
}
else if (options.NamespaceDefaults || options.Controller.Enabled)
{
    namespaces = new NamespaceInformer(kubernetes!, TimeProvider.System, startupLogs.CreateLogger<NamespaceInformer>());
}

PodController? controller = null;
LeaseElector? elector = null;
if (options.Controller.Enabled && (kubernetes is null || options.InjectorNamespace is null))
{
    await Console.Error.WriteLineAsync("logsidecar-injector: the controller (pods missing their sidecar, drift, repair) needs the Kubernetes API (run it in a pod, or set KUBECONFIG) and the injector's namespace for its Lease (POD_NAMESPACE or injectorNamespace); it does not run (set controller.enabled to false to silence this)");
}
else if (options.Controller.Enabled)
{
    var identity = $"{Environment.GetEnvironmentVariable("POD_NAME") ?? Environment.MachineName}_{Guid.NewGuid():N}"[..^24];
    elector = new LeaseElector(kubernetes!, options.InjectorNamespace!, identity, options.Controller, TimeProvider.System, startupLogs.CreateLogger<LeaseElector>());
    controller = new PodController(kubernetes!, namespaces!, new PodAssessor(injector), options, () => elector.IsLeader, identity, TimeProvider.System, startupLogs.CreateLogger<PodController>());
}

await using var app = WebhookServer.Build(options, injector, certificates, namespaces: options.NamespaceDefaults ? namespaces : null, controller: controller);
using var stopping = new CancellationTokenSource();
var renewal = selfSigned is null
    ? Task.CompletedTask
    : new CertificateRenewalLoop(selfSigned, TimeProvider.System, logger).RunAsync(firstCheck!, stopping.Token);
var watching = namespaces?.RunAsync(stopping.Token) ?? Task.CompletedTask;
var leading = elector?.RunAsync(controller!.RunAsync, stopping.Token) ?? Task.CompletedTask;
await app.RunAsync();
await stopping.CancelAsync();
await renewal;
await watching;
await leading;
return 0;
