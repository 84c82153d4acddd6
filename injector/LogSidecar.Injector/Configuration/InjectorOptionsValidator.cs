using System.Net;
using LogSidecar.Injector.Annotations;
using LogSidecar.Injector.Text;

namespace LogSidecar.Injector.Configuration;

/// <summary>
/// Checks <see cref="InjectorOptions"/> at start and reports every problem at once. A JSON <c>null</c>
/// reaches the options as null whatever their type says, so every field is checked for it first: a
/// null must stop the injector with a message, never reach a request (where a null list would fail
/// every pod and, with failurePolicy Ignore, admit them all without the sidecar).
/// </summary>
internal static class InjectorOptionsValidator
{
    private static readonly string[] PullPolicies = ["Always", "IfNotPresent", "Never"];

    public static List<string> Validate(InjectorOptions options, bool serving)
    {
        var errors = new List<string>();
        if (ImageReference.Check(options.Image) is { } imageProblem)
        {
            errors.Add($"image: {imageProblem}");
        }

        OneOf(errors, "imagePullPolicy", options.ImagePullPolicy, PullPolicies);
        OneOf(errors, "native", options.Native, NativeModes.All);
        if (options.KubernetesVersion is not null && NativeModes.ParseKubernetesVersion(options.KubernetesVersion) is null)
        {
            errors.Add($"kubernetesVersion: {ValueText.Quote(options.KubernetesVersion)} is not a version such as 1.30");
        }

        if (PathRules.CheckMountPath(options.MountPath) is { } mountProblem)
        {
            errors.Add($"mountPath: {mountProblem}");
        }

        Quantity(errors, "volumeSizeLimit", options.VolumeSizeLimit, "1Mi");
        var cpu = Quantity(errors, "cpu", options.Cpu, AnnotationDefaults.MinCpu);
        var memory = Quantity(errors, "memory", options.Memory, AnnotationDefaults.MinMemory);
        var maxCpu = Quantity(errors, "maxCpu", options.MaxCpu, AnnotationDefaults.MinCpu);
        var maxMemory = Quantity(errors, "maxMemory", options.MaxMemory, AnnotationDefaults.MinMemory);
        if (cpu > maxCpu && maxCpu > 0)
        {
            errors.Add($"cpu: {options.Cpu} is above maxCpu {options.MaxCpu}");
        }

        if (memory > maxMemory && maxMemory > 0)
        {
            errors.Add($"memory: {options.Memory} is above maxMemory {options.MaxMemory}");
        }

        ValidateList(errors, "allowedImages", options.AllowedImages, "give a list of image patterns, or [] to turn image overrides off", ImageReference.CheckPattern);
        ValidateList(errors, "excludedNamespaces", options.ExcludedNamespaces, "give a list of namespaces never injected, or [] for none", name =>
            name is not null && DnsNames.IsLabel(name) ? null : $"{ValueText.Quote(name)} is not a namespace name (lower-case DNS label)");
        if (options.InjectorNamespace is not null && !DnsNames.IsLabel(options.InjectorNamespace))
        {
            errors.Add($"injectorNamespace: {ValueText.Quote(options.InjectorNamespace)} is not a valid namespace name (lower-case DNS label)");
        }

        Range(errors, "maxRequestBytes", options.MaxRequestBytes, InjectorOptions.MinRequestBytes, InjectorOptions.MaxRequestBytesCap);
        Range(errors, "maxConcurrentReviews", options.MaxConcurrentReviews, 1, 1024);
        Range(errors, "maxQueuedReviews", options.MaxQueuedReviews, 0, 100_000);
        Range(errors, "maxConnections", options.MaxConnections, 8, 100_000);

        if (serving)
        {
            ValidateServing(errors, options);
        }

        ValidateSelfSigned(errors, options, serving);
        ValidateController(errors, options.Controller);

        return errors;
    }

    private static void ValidateServing(List<string> errors, InjectorOptions options)
    {
        if (!IPAddress.TryParse(options.ListenAddress, out _))
        {
            errors.Add($"listenAddress: {ValueText.Quote(options.ListenAddress)} is not an IP address; use 127.0.0.1 or 0.0.0.0");
        }

        if (options.Port is < 0 or > 65535)
        {
            errors.Add($"port: {options.Port} is out of range; use 1 to 65535 (0 picks a free port)");
        }

        if (options.TlsCertFile is null || options.TlsKeyFile is null)
        {
            Null(errors, "tlsCertFile", options.TlsCertFile);
            Null(errors, "tlsKeyFile", options.TlsKeyFile);
            return;
        }

        if (options.SelfSigned?.Enabled == true)
        {
            // The bootstrap writes both files, so they need not exist yet: only their folder must.
            CheckWritableFolder(errors, "tlsCertFile", options.TlsCertFile);
            CheckWritableFolder(errors, "tlsKeyFile", options.TlsKeyFile);
            return;
        }

        if (!File.Exists(options.TlsCertFile))
        {
            errors.Add($"tlsCertFile: {ValueText.Quote(options.TlsCertFile)} does not exist; mount the webhook's certificate there or pass --tls-cert");
        }

        if (!File.Exists(options.TlsKeyFile))
        {
            errors.Add($"tlsKeyFile: {ValueText.Quote(options.TlsKeyFile)} does not exist; mount the webhook's key there or pass --tls-key");
        }
    }

    /// <summary>A list from the file: null is an error of its own, then every entry is checked (null entries too).</summary>
    private static void ValidateList(List<string> errors, string field, List<string>? list, string whenNull, Func<string?, string?> check)
    {
        if (list is null)
        {
            errors.Add($"{field}: is null; {whenNull}");
            return;
        }

        for (var i = 0; i < list.Count; i++)
        {
            if (check(list[i]) is { } problem)
            {
                errors.Add($"{field}[{i}]: {problem}");
            }
        }
    }

    private static void ValidateSelfSigned(List<string> errors, InjectorOptions options, bool serving)
    {
        var selfSigned = options.SelfSigned;
        if (selfSigned is null)
        {
            errors.Add("selfSigned: is null; give an object or leave the key out");
            return;
        }

        if (selfSigned.SecretName is null || !DnsNames.IsSubdomain(selfSigned.SecretName))
        {
            errors.Add($"selfSigned.secretName: {ValueText.Quote(selfSigned.SecretName)} is not a valid Secret name (lower-case DNS subdomain, at most 253 characters)");
        }

        if (selfSigned.WebhookConfigurationName is null || !DnsNames.IsSubdomain(selfSigned.WebhookConfigurationName))
        {
            errors.Add($"selfSigned.webhookConfigurationName: {ValueText.Quote(selfSigned.WebhookConfigurationName)} is not a valid MutatingWebhookConfiguration name (lower-case DNS subdomain)");
        }

        if (selfSigned.ServiceName is null || !DnsNames.IsLabel(selfSigned.ServiceName))
        {
            errors.Add($"selfSigned.serviceName: {ValueText.Quote(selfSigned.ServiceName)} is not a valid Service name (lower-case DNS label, at most 63 characters)");
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
    }

    private static void ValidateController(List<string> errors, ControllerOptions? controller)
    {
        if (controller is null)
        {
            errors.Add("controller: is null; give an object or leave the key out");
            return;
        }

        Range(errors, "controller.restartIntervalMinutes", controller.RestartIntervalMinutes, 1, 7 * 24 * 60);
        Range(errors, "controller.maxRestartsPerHour", controller.MaxRestartsPerHour, 1, 10_000);
        if (controller.LeaseName is null || !DnsNames.IsSubdomain(controller.LeaseName))
        {
            errors.Add($"controller.leaseName: {ValueText.Quote(controller.LeaseName)} is not a valid Lease name (lower-case DNS subdomain)");
        }

        if (controller.WebhookServiceName is not null && !DnsNames.IsLabel(controller.WebhookServiceName))
        {
            errors.Add($"controller.webhookServiceName: {ValueText.Quote(controller.WebhookServiceName)} is not a valid Service name (lower-case DNS label, at most 63 characters); leave it out to use selfSigned.serviceName");
        }

        if (controller.WebhookByUrl && controller.WebhookServiceName is not null)
        {
            errors.Add($"controller.webhookServiceName: {ValueText.Quote(controller.WebhookServiceName)} is set, but controller.webhookByUrl says the webhook is called by URL, without a Service: leave webhookServiceName out, or set webhookByUrl to false if the MutatingWebhookConfiguration names that Service");
        }

        Range(errors, "controller.retryPeriodSeconds", controller.RetryPeriodSeconds, 1, 60);
        if (controller.RenewDeadlineSeconds <= controller.RetryPeriodSeconds || controller.RenewDeadlineSeconds >= controller.LeaseDurationSeconds)
        {
            errors.Add($"controller.renewDeadlineSeconds: {controller.RenewDeadlineSeconds} must be above retryPeriodSeconds ({controller.RetryPeriodSeconds}) and below leaseDurationSeconds ({controller.LeaseDurationSeconds}), so a leader steps down before another may take over");
        }

        Range(errors, "controller.leaseDurationSeconds", controller.LeaseDurationSeconds, 3, 600);
    }

    private static void CheckWritableFolder(List<string> errors, string field, string file)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(file));
        if (folder is null || !Directory.Exists(folder))
        {
            errors.Add($"{field}: folder {ValueText.Quote(folder)} does not exist; selfSigned.enabled writes the certificate there, so mount a writable emptyDir at it");
        }
    }

    private static void OneOf(List<string> errors, string field, string? value, IReadOnlyList<string> allowed)
    {
        if (value is null || !allowed.Contains(value, StringComparer.Ordinal))
        {
            errors.Add($"{field}: {ValueText.Quote(value)} is not one of: {string.Join(", ", allowed)}");
        }
    }

    private static void Null(List<string> errors, string field, string? value)
    {
        if (value is null)
        {
            errors.Add($"{field}: is null; give a file path or leave the key out");
        }
    }

    /// <summary>The quantity's value when it is one and at least <paramref name="min"/>; else an error and 0.</summary>
    private static decimal Quantity(List<string> errors, string field, string? value, string min)
    {
        if (!ResourceQuantity.TryParse(value, out var amount) || amount <= 0)
        {
            errors.Add($"{field}: {ValueText.Quote(value)} is not a positive Kubernetes quantity such as 100m or 128Mi");
            return 0;
        }

        if (ResourceQuantity.TryParse(min, out var floor) && amount < floor)
        {
            errors.Add($"{field}: {value} is below {min}, the least the sidecar runs with (pod annotations have the same floor)");
            return 0;
        }

        return amount;
    }

    private static void Range(List<string> errors, string field, int value, int min, int max)
    {
        if (value < min || value > max)
        {
            errors.Add($"{field}: {value} is out of range; use {min} to {max}");
        }
    }
}
