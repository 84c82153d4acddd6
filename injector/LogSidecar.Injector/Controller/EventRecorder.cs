using k8s;
using k8s.Models;
using LogSidecar.Injector.Certificates;

namespace LogSidecar.Injector.Controller;

/// <summary>
/// Creates core/v1 Events (what <c>kubectl describe</c> and <c>kubectl get events</c> show). Each report has a name
/// made from what it is about, so a report already made, by this replica or a previous leader, is answered 409
/// AlreadyExists and not repeated while the API server keeps the Event (its event TTL, one hour by default).
/// </summary>
internal sealed class EventRecorder(IKubernetes client, string instance, TimeProvider time)
{
    public const string Component = "logsidecar-injector";

    public async Task<KubernetesApiFailure?> RecordAsync(V1ObjectReference about, string suffix, string reason, string message, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var ns = about.NamespaceProperty;
        var name = $"{(about.Name.Length > 200 ? about.Name[..200] : about.Name)}.{suffix}";
        var created = await KubernetesApi.CallAsync(
            () => client.CoreV1.CreateNamespacedEventAsync(
                new Corev1Event
                {
                    Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns },
                    InvolvedObject = about,
                    Reason = reason,
                    Message = message.Length > 1024 ? message[..1021] + "..." : message,
                    Type = "Warning",
                    Count = 1,
                    FirstTimestamp = now,
                    LastTimestamp = now,
                    Source = new V1EventSource { Component = Component },
                    ReportingComponent = "logsidecar.io/injector",
                    ReportingInstance = instance,
                },
                ns,
                cancellationToken: cancellationToken),
            "create",
            "events",
            $"{ns}/{name}");
        return created.Failure is { IsConflict: true } ? null : created.Failure;
    }
}
