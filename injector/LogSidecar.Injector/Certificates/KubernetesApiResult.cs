namespace LogSidecar.Injector.Certificates;

/// <summary>The answer of a Kubernetes API call: a value, or why there is none.</summary>
internal readonly record struct KubernetesApiResult<T>(T? Value, KubernetesApiFailure? Failure)
{
    public static implicit operator KubernetesApiResult<T>(KubernetesApiFailure failure) => new(default, failure);
}
