namespace LogSidecar.Injector.Certificates;

/// <summary>
/// What one certificate check did. <see cref="Error"/> means there is no usable certificate from the Secret
/// (fatal at start); <see cref="CaBundleError"/> means the certificate is in place but the webhook configuration
/// could not be updated (retried soon).
/// </summary>
internal sealed record CertificateSyncResult
{
    public string? Error { get; init; }

    public string? CaBundleError { get; init; }

    /// <summary>What this replica did to the Secret; <see cref="RenewalAction.Keep"/> when it used what another one wrote.</summary>
    public RenewalAction Action { get; init; }

    /// <summary>Writes to the Secret that lost to another replica (409) and were followed by a fresh read.</summary>
    public int Conflicts { get; init; }

    public int WebhooksPatched { get; init; }

    public bool FilesChanged { get; init; }

    public DateTimeOffset ServingNotAfter { get; init; }

    public bool Succeeded => Error is null && CaBundleError is null;
}
