using System.Net;
using LogSidecar.Injector.Annotations;

namespace LogSidecar.Injector.Hosting;

/// <summary>Checks <see cref="InjectorOptions"/> at start and reports every problem at once.</summary>
internal static class InjectorOptionsValidator
{
    private static readonly string[] PullPolicies = ["Always", "IfNotPresent", "Never"];

    public static List<string> Validate(InjectorOptions options, bool serving)
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(options.Image) || options.Image.Any(char.IsWhiteSpace))
        {
            errors.Add($"image: '{options.Image}' is not an image reference; give one such as ghcr.io/logsidecar/logsidecar:0.1.0");
        }

        if (!PullPolicies.Contains(options.ImagePullPolicy, StringComparer.Ordinal))
        {
            errors.Add($"imagePullPolicy: '{options.ImagePullPolicy}' is not one of: {string.Join(", ", PullPolicies)}");
        }

        if (!NativeModes.All.Contains(options.Native, StringComparer.Ordinal))
        {
            errors.Add($"native: '{options.Native}' is not one of: {string.Join(", ", NativeModes.All)}");
        }

        if (options.KubernetesVersion is not null && NativeModes.ParseKubernetesVersion(options.KubernetesVersion) is null)
        {
            errors.Add($"kubernetesVersion: '{options.KubernetesVersion}' is not a version such as 1.30");
        }

        if (PathRules.CheckMountPath(options.MountPath) is { } mountProblem)
        {
            errors.Add($"mountPath: {mountProblem}");
        }

        Quantity(errors, "volumeSizeLimit", options.VolumeSizeLimit);
        Quantity(errors, "cpu", options.Cpu);
        Quantity(errors, "memory", options.Memory);
        Quantity(errors, "maxCpu", options.MaxCpu);
        Quantity(errors, "maxMemory", options.MaxMemory);
        if (ResourceQuantity.TryParse(options.Cpu, out var cpu) && ResourceQuantity.TryParse(options.MaxCpu, out var maxCpu) && cpu > maxCpu)
        {
            errors.Add($"cpu: {options.Cpu} is above maxCpu {options.MaxCpu}");
        }

        if (ResourceQuantity.TryParse(options.Memory, out var memory) && ResourceQuantity.TryParse(options.MaxMemory, out var maxMemory) && memory > maxMemory)
        {
            errors.Add($"memory: {options.Memory} is above maxMemory {options.MaxMemory}");
        }

        if (options.AllowedImages.Any(string.IsNullOrWhiteSpace))
        {
            errors.Add("allowedImages: an entry is empty; remove it or give a pattern such as ghcr.io/logsidecar/logsidecar:*");
        }

        if (serving)
        {
            if (!IPAddress.TryParse(options.ListenAddress, out _))
            {
                errors.Add($"listenAddress: '{options.ListenAddress}' is not an IP address; use 127.0.0.1 or 0.0.0.0");
            }

            if (options.Port is < 0 or > 65535)
            {
                errors.Add($"port: {options.Port} is out of range; use 1 to 65535 (0 picks a free port)");
            }

            if (options.SelfSigned.Enabled)
            {
                // The bootstrap writes both files, so they need not exist yet: only their folder must.
                CheckWritableFolder(errors, "tlsCertFile", options.TlsCertFile);
                CheckWritableFolder(errors, "tlsKeyFile", options.TlsKeyFile);
            }
            else
            {
                if (!File.Exists(options.TlsCertFile))
                {
                    errors.Add($"tlsCertFile: '{options.TlsCertFile}' does not exist; mount the webhook's certificate there or pass --tls-cert");
                }

                if (!File.Exists(options.TlsKeyFile))
                {
                    errors.Add($"tlsKeyFile: '{options.TlsKeyFile}' does not exist; mount the webhook's key there or pass --tls-key");
                }
            }
        }

        ValidateSelfSigned(errors, options, serving);

        return errors;
    }

    private static void ValidateSelfSigned(List<string> errors, InjectorOptions options, bool serving)
    {
        var selfSigned = options.SelfSigned;
        if (selfSigned is null)
        {
            errors.Add("selfSigned: is null; give an object or leave the key out");
            return;
        }

        if (!DnsNames.IsSubdomain(selfSigned.SecretName))
        {
            errors.Add($"selfSigned.secretName: '{selfSigned.SecretName}' is not a valid Secret name (lower-case DNS subdomain, at most 253 characters)");
        }

        if (!DnsNames.IsSubdomain(selfSigned.WebhookConfigurationName))
        {
            errors.Add($"selfSigned.webhookConfigurationName: '{selfSigned.WebhookConfigurationName}' is not a valid MutatingWebhookConfiguration name (lower-case DNS subdomain)");
        }

        if (!DnsNames.IsLabel(selfSigned.ServiceName))
        {
            errors.Add($"selfSigned.serviceName: '{selfSigned.ServiceName}' is not a valid Service name (lower-case DNS label, at most 63 characters)");
        }

        if (selfSigned.ValidityDays is < 2 or > 3650)
        {
            errors.Add($"selfSigned.validityDays: {selfSigned.ValidityDays} is out of range; use 2 to 3650");
        }

        if (selfSigned.RenewBeforeDays < 1 || selfSigned.RenewBeforeDays >= selfSigned.ValidityDays)
        {
            errors.Add($"selfSigned.renewBeforeDays: {selfSigned.RenewBeforeDays} must be at least 1 and below selfSigned.validityDays ({selfSigned.ValidityDays}), or the certificate would be renewed at every check");
        }

        if (serving && selfSigned.Enabled && string.IsNullOrEmpty(options.InjectorNamespace))
        {
            errors.Add("selfSigned.enabled: the injector's namespace is unknown; set injectorNamespace or the POD_NAMESPACE environment variable (downward API metadata.namespace)");
        }
        else if (serving && selfSigned.Enabled && !DnsNames.IsLabel(options.InjectorNamespace!))
        {
            errors.Add($"injectorNamespace: '{options.InjectorNamespace}' is not a valid namespace name (lower-case DNS label)");
        }
    }

    private static void CheckWritableFolder(List<string> errors, string field, string file)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(file));
        if (folder is null || !Directory.Exists(folder))
        {
            errors.Add($"{field}: folder '{folder}' does not exist; selfSigned.enabled writes the certificate there, so mount a writable emptyDir at it");
        }
    }

    private static void Quantity(List<string> errors, string field, string value)
    {
        if (!ResourceQuantity.TryParse(value, out var amount) || amount <= 0)
        {
            errors.Add($"{field}: '{value}' is not a positive Kubernetes quantity such as 100m or 128Mi");
        }
    }
}
