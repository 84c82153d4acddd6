using System.Text;
using System.Text.RegularExpressions;

namespace LogSidecar.Manifests.Tests.Infrastructure;

/// <summary>
/// The API server's side of the audit webhook, made by following the README ("Install: manifests/cluster-logging")
/// for a Service address: step 2's commands as the README has them (openssl, run by bash in a fresh folder), step 3's
/// files for the control-plane node (the policy and the webhook kubeconfig of <c>api-server/</c>, the CA and the client
/// certificate where the kubeconfig names them), and step 4's API server flags as K3s takes them.
/// </summary>
public sealed partial class AuditWebhookSetup : IDisposable
{
    /// <summary>Where step 3 puts the policy and the webhook kubeconfig on the control-plane node.</summary>
    public const string NodeDirectory = "/etc/kubernetes/audit";

    private const string SecretText = "create secret generic logsidecar-audit-tls";

    private AuditWebhookSetup(TempDirectory directory, string serviceIp, string secretCommand)
    {
        Directory = directory;
        ServiceIp = serviceIp;
        SecretCommand = secretCommand;
    }

    /// <summary>Step 2's working folder: <c>ca.crt</c>, <c>tls.crt</c>, <c>tls.key</c>, <c>client.crt</c>, <c>client.key</c> and the rest.</summary>
    public TempDirectory Directory { get; }

    public string ServiceIp { get; }

    /// <summary>Step 2's last command, which creates the Secret from the folder's files (run in the cluster, in that folder).</summary>
    public string SecretCommand { get; }

    /// <summary>Step 4 for K3s: the flags of <c>k3s server</c>.</summary>
    public static IReadOnlyList<string> K3sServerArgs { get; } =
    [
        $"--kube-apiserver-arg=audit-policy-file={NodeDirectory}/audit-policy.yaml",
        $"--kube-apiserver-arg=audit-webhook-config-file={NodeDirectory}/audit-webhook-kubeconfig.yaml",
        "--kube-apiserver-arg=audit-webhook-mode=batch",
        "--kube-apiserver-arg=audit-webhook-version=audit.k8s.io/v1",
    ];

    /// <summary>Runs step 2 with <c>SERVICE_IP</c> set to <paramref name="serviceIp"/>.</summary>
    public static async Task<AuditWebhookSetup> CreateAsync(string serviceIp, CancellationToken cancellationToken)
    {
        var (openssl, secret) = CertificateSteps();
        var directory = new TempDirectory();
        var script = $"SERVICE_IP={serviceIp}\n{openssl}";
        var result = await ProcessRunner.RunAsync("bash", ["-euo", "pipefail", "-c", script], cancellationToken, workingDirectory: directory.Path);
        Assert.True(result.ExitCode == 0, result.Describe($"the README's certificate commands (needs openssl):\n{script}\n"));
        return new AuditWebhookSetup(directory, serviceIp, secret);
    }

    /// <summary>Step 3: each file the control-plane node needs, by its path on the node.</summary>
    public IReadOnlyDictionary<string, byte[]> NodeFiles()
    {
        var kubeconfig = File.ReadAllText(ClusterLoggingManifests.ApiServerPath("audit-webhook-kubeconfig.yaml")).Replace("SERVICE_IP", ServiceIp, StringComparison.Ordinal);
        var document = Assert.Single(YamlDocuments.Parse(kubeconfig));
        var cluster = Assert.Single(document["clusters"]!.AsArray())!["cluster"]!;
        var user = Assert.Single(document["users"]!.AsArray())!["user"]!;
        return new Dictionary<string, byte[]>(StringComparer.Ordinal)
        {
            [$"{NodeDirectory}/audit-policy.yaml"] = File.ReadAllBytes(ClusterLoggingManifests.ApiServerPath("audit-policy.yaml")),
            [$"{NodeDirectory}/audit-webhook-kubeconfig.yaml"] = Encoding.UTF8.GetBytes(kubeconfig),
            [(string)cluster["certificate-authority"]!] = File.ReadAllBytes(Directory.File("ca.crt")),
            [(string)user["client-certificate"]!] = File.ReadAllBytes(Directory.File("client.crt")),
            [(string)user["client-key"]!] = File.ReadAllBytes(Directory.File("client.key")),
        };
    }

    public void Dispose() => Directory.Dispose();

    /// <summary>
    /// The README's step 2 (the shell block that creates the Secret <c>logsidecar-audit-tls</c>), continuation lines
    /// joined: the openssl commands to run here, and the kubectl command that turns their files into the Secret.
    /// </summary>
    private static (string OpenSsl, string Secret) CertificateSteps()
    {
        var readme = File.ReadAllText(Path.Combine(RepositoryLayout.Root, "README.md"));
        var block = Assert.Single(
            ShellBlock().Matches(readme).Select(match => match.Groups["body"].Value),
            body => body.Contains(SecretText, StringComparison.Ordinal));
        var commands = Continuation().Replace(block, " ")
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .ToList();
        var secret = Assert.Single(commands, command => command.StartsWith("kubectl ", StringComparison.Ordinal));
        Assert.Contains(SecretText, secret, StringComparison.Ordinal);
        return (string.Join('\n', commands.Where(command => command != secret)), secret);
    }

    [GeneratedRegex(@"^[ \t]*```sh\n(?<body>.*?)^[ \t]*```", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex ShellBlock();

    [GeneratedRegex(@"\\\n[ \t]*")]
    private static partial Regex Continuation();
}
