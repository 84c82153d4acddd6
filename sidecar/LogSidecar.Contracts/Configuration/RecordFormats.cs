namespace LogSidecar.Contracts.Configuration;

/// <summary>Allowed values of <see cref="StreamConfig.Format"/>.</summary>
public static class RecordFormats
{
    public const string Plain = "plain";
    public const string Json = "json";
    public const string Logfmt = "logfmt";
    public const string Regex = "regex";
    public const string Klog = "klog";
    public const string KubernetesAudit = "k8s-audit";
    public static readonly IReadOnlyList<string> All = [Plain, Json, Logfmt, Regex, Klog, KubernetesAudit];
}
