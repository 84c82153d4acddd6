using System.Reflection;
using LogSidecar.Injector.Hosting;
using LogSidecar.Injector.Mutation;
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
    if (flags.InputFile == "-")
    {
        return InjectCommand.Run(Console.In, Console.Out, Console.Error, flags.Output, offline);
    }

    try
    {
        using var input = File.OpenText(flags.InputFile!);
        return InjectCommand.Run(input, Console.Out, Console.Error, flags.Output, offline);
    }
    catch (Exception e) when (e is IOException or UnauthorizedAccessException)
    {
        await Console.Error.WriteLineAsync($"logsidecar-injector: cannot read {flags.InputFile}: {e.Message}");
        return 2;
    }
}

using var startupLogs = LoggerFactory.Create(logging => logging.AddSimpleConsole(console => console.SingleLine = true));
var logger = startupLogs.CreateLogger("LogSidecar.Injector");
using var certificates = new CertificateStore(options.TlsCertFile, options.TlsKeyFile, logger);
if (!certificates.TryLoadNow(out var certificateError))
{
    await Console.Error.WriteLineAsync($"logsidecar-injector: {certificateError}");
    return 2;
}

var discovered = options.Native == NativeModes.Auto && options.KubernetesVersion is null
    ? await KubernetesVersionProbe.DiscoverAsync(logger, CancellationToken.None)
    : null;
var injector = new PodInjector(options, InjectorOptionsLoader.NativeByDefault(options, discovered));
await using var app = WebhookServer.Build(options, injector, certificates);
await app.RunAsync();
return 0;
