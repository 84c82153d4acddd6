namespace LogSidecar.Injector.Configuration;

/// <summary>
/// The built-in self-signed certificate bootstrap (<c>selfSigned</c> in the configuration), for clusters without
/// cert-manager. When enabled, <c>serve</c> keeps a CA and a serving certificate in a Secret of the injector's
/// namespace, writes them to <see cref="InjectorOptions.TlsCertFile"/> and <see cref="InjectorOptions.TlsKeyFile"/>,
/// and patches the CA into the <c>caBundle</c> of every webhook of the MutatingWebhookConfiguration.
/// </summary>
internal sealed record SelfSignedOptions
{
    /// <summary>Whether the injector issues and rotates its own certificate.</summary>
    public bool Enabled { get; set; }

    /// <summary>Secret (type kubernetes.io/tls) in the injector's namespace that holds the certificate and the CA.</summary>
    public string SecretName { get; set; } = "logsidecar-injector-tls";

    /// <summary>MutatingWebhookConfiguration whose webhooks get the CA in their <c>caBundle</c>.</summary>
    public string WebhookConfigurationName { get; set; } = "logsidecar-injector";

    /// <summary>Service in front of the injector; the certificate names it.</summary>
    public string ServiceName { get; set; } = "logsidecar-injector";

    /// <summary>Lifetime of a serving certificate, in days. The CA lives four times as long.</summary>
    public int ValidityDays { get; set; } = 365;

    /// <summary>A certificate (serving or CA) this many days or fewer from expiry is replaced.</summary>
    public int RenewBeforeDays { get; set; } = 30;
}
