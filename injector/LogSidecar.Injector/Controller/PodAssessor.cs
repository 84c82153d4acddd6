using System.Text.Json;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using LogSidecar.Injector.Annotations;
using LogSidecar.Injector.Mutation;
using LogSidecar.Injector.Text;

namespace LogSidecar.Injector.Controller;

/// <summary>
/// Decides whether a running pod misses its sidecar or drifted, through the webhook's own decision
/// (<see cref="PodInjector"/>): a pod without the status annotation that the webhook would inject now missed it; an
/// injected pod drifted when another injector version injected it or when injecting it again (see
/// <see cref="InjectedPod"/>) with its namespace's defaults and this configuration gives another configHash.
/// </summary>
internal sealed class PodAssessor(PodInjector injector)
{
    public PodAssessment Assess(V1Pod pod, NamespaceDefaults? ns)
    {
        if (pod.Metadata?.DeletionTimestamp is not null || pod.Status?.Phase is "Succeeded" or "Failed")
        {
            return new PodAssessment(PodState.Fine, "the pod has finished or is being deleted");
        }

        if (ns?.IsDisabled == true)
        {
            return new PodAssessment(PodState.Fine, $"namespace {ns.Name} is labelled {AnnotationKeys.Injection}={AnnotationKeys.Disabled}");
        }

        var request = new InjectionRequest(pod.Metadata?.NamespaceProperty, ns?.IsEnabled == true ? EnablementMode.NamespaceEnabled : EnablementMode.OptIn, ns);
        var json = JsonNode.Parse(KubernetesJson.Serialize(pod))!.AsObject();
        if (pod.Metadata?.Annotations?.TryGetValue(AnnotationKeys.Status, out var statusText) == true)
        {
            return AssessInjected(json, statusText, request);
        }

        var outcome = injector.Inject(json, request);
        return outcome switch
        {
            { Kind: OutcomeKind.Injected } => new PodAssessment(
                PodState.Missing,
                "it opted in but runs without the logsidecar sidecar: it was created while the injector's webhook did not answer (the webhook fails open), so its log files are not streamed. Restart its workload (kubectl rollout restart) once the injector is ready"),
            { Kind: OutcomeKind.Denied } => new PodAssessment(
                PodState.Missing,
                $"it opted in but runs without the logsidecar sidecar, and the webhook would refuse it now: {outcome.Message}. Fix its annotations, then restart its workload"),
            { Skip: SkipReason.AlreadyInjected } => new PodAssessment(PodState.Fine, "a container carries the sidecar's configuration (injected without a status annotation)", "unknown"),
            _ => new PodAssessment(PodState.Fine, $"not injected on purpose ({SkipText(outcome.Skip)})"),
        };
    }

    private PodAssessment AssessInjected(JsonObject pod, string statusText, InjectionRequest request)
    {
        InjectionStatus? status = null;
        string? version = null;
        try
        {
            var node = JsonNode.Parse(statusText) as JsonObject;
            version = JsonText.String(node?["version"]);
            if (node?["skipped"] is not null)
            {
                return new PodAssessment(PodState.Fine, $"left without the sidecar on purpose: {JsonText.String(node["message"])}");
            }

            if (node?["configHash"] is not null)
            {
                status = node.Deserialize(StatusJsonContext.Default.InjectionStatus);
            }
        }
        catch (JsonException)
        {
            // Unreadable: told below like a status of another version.
        }

        if (version != PodInjector.Version || status is null)
        {
            return new PodAssessment(
                PodState.Drifted,
                $"it was injected by injector version {ValueText.Quote(version ?? "unknown")}; this injector is {PodInjector.Version}. Restart its workload to get the current sidecar",
                version ?? "unknown");
        }

        var again = injector.Inject(InjectedPod.Strip(pod, status), request);
        return again switch
        {
            { Kind: OutcomeKind.Injected, ConfigHash: var hash } when hash == status.ConfigHash =>
                new PodAssessment(PodState.Fine, "injected with the current configuration", version),
            { Kind: OutcomeKind.Injected, ConfigHash: var hash } => new PodAssessment(
                PodState.Drifted,
                $"its sidecar would be rendered differently now (configHash {status.ConfigHash}, now {hash}): its annotations, its namespace's {AnnotationKeys.Prefix} defaults or the injector's configuration changed since it was created. Restart its workload to apply them",
                version,
                hash),
            { Kind: OutcomeKind.Denied } => new PodAssessment(
                PodState.Drifted,
                $"it runs an older sidecar and the webhook would refuse it now: {again.Message}",
                version,
                "denied"),
            _ => new PodAssessment(PodState.Fine, $"injected, though it would not be injected now ({SkipText(again.Skip)})", version),
        };
    }

    private static string SkipText(SkipReason reason) => reason switch
    {
        SkipReason.NotOptedIn => $"it does not opt in: label it {AnnotationKeys.Inject}=true or its namespace {AnnotationKeys.Injection}={AnnotationKeys.Enabled}",
        SkipReason.OptedOut => $"it is labelled {AnnotationKeys.Inject}=false",
        SkipReason.ExcludedNamespace => "its namespace is excluded in the injector's configuration",
        SkipReason.Windows => "it runs on Windows",
        _ => reason.ToString(),
    };
}
