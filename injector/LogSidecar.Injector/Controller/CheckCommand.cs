using k8s;
using k8s.Models;
using LogSidecar.Injector.Annotations;
using LogSidecar.Injector.Certificates;
using LogSidecar.Injector.Configuration;
using LogSidecar.Injector.Mutation;

namespace LogSidecar.Injector.Controller;

/// <summary>
/// <c>logsidecar-injector check</c>: lists the opted-in pods as the controller watches them (label
/// <c>logsidecar.io/inject=true</c> everywhere, and the pods of namespaces labelled <c>logsidecar.io/injection=enabled</c>),
/// judges each with <see cref="PodAssessor"/> under the given configuration, and prints a table (namespace, pod,
/// workload, injected, version, state, why) and the namespace defaults in force.
/// </summary>
internal static class CheckCommand
{
    private const int PageSize = 500;

    private static readonly string[] Header = ["NAMESPACE", "POD", "WORKLOAD", "INJECTED", "VERSION", "STATE", "WHY"];

    /// <summary>0 nothing to do, 1 a pod misses its sidecar or drifted, 2 the API could not be read.</summary>
    public static async Task<int> RunAsync(IKubernetes client, InjectorOptions options, PodInjector injector, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        var listed = await KubernetesApi.CallAsync(() => client.CoreV1.ListNamespaceAsync(cancellationToken: cancellationToken), "list", "namespaces", "every namespace");
        if (listed.Failure is { } failure)
        {
            await error.WriteLineAsync($"logsidecar-injector check: {failure.Explain()}");
            return 2;
        }

        var namespaces = (listed.Value!.Items ?? [])
            .Select(n => NamespaceDefaults.From(n.Metadata.Name, n.Metadata.Annotations, n.Metadata.Labels is { } l ? new Dictionary<string, string>(l, StringComparer.Ordinal) : null))
            .ToDictionary(n => n.Name, StringComparer.Ordinal);
        var pods = new List<V1Pod>();
        var problem = await ListAsync(pods, (next, token) => client.CoreV1.ListPodForAllNamespacesAsync(labelSelector: PodController.OptInSelector, limit: PageSize, continueParameter: next, cancellationToken: token), PodController.OptInSelector, cancellationToken);
        foreach (var ns in namespaces.Values.Where(n => n.IsEnabled).Select(n => n.Name))
        {
            problem ??= await ListAsync(pods, (next, token) => client.CoreV1.ListNamespacedPodAsync(ns, labelSelector: PodController.NamespaceSelector, limit: PageSize, continueParameter: next, cancellationToken: token), $"namespace {ns}", cancellationToken);
        }

        if (problem is not null)
        {
            await error.WriteLineAsync($"logsidecar-injector check: {problem}");
            return 2;
        }

        var assessor = new PodAssessor(injector);
        var rows = new List<string[]> { Header };
        var needsAction = 0;
        foreach (var pod in pods.OrderBy(p => p.Metadata.NamespaceProperty, StringComparer.Ordinal).ThenBy(p => p.Metadata.Name, StringComparer.Ordinal))
        {
            var ns = pod.Metadata.NamespaceProperty;
            if (options.ExcludedNamespaces.Contains(ns, StringComparer.Ordinal) || ns == options.InjectorNamespace)
            {
                continue;
            }

            var verdict = assessor.Assess(pod, namespaces.GetValueOrDefault(ns));
            needsAction += verdict.State == PodState.Fine ? 0 : 1;
            rows.Add([ns, pod.Metadata.Name, Workload(pod), verdict.Injected ? "yes" : "no", verdict.Version ?? "-", verdict.State.ToString().ToLowerInvariant(), verdict.Why]);
        }

        await WriteTableAsync(output, rows);
        await output.WriteLineAsync();
        await output.WriteLineAsync("Namespace defaults in force:");
        var configured = namespaces.Values.Where(n => n.Injection is not null || n.Annotations.Count > 0).OrderBy(n => n.Name, StringComparer.Ordinal).ToList();
        if (configured.Count == 0)
        {
            await output.WriteLineAsync("  (no namespace is labelled or annotated with logsidecar.io/ keys)");
        }

        foreach (var ns in configured)
        {
            var values = string.Join(", ", ns.Annotations.OrderBy(a => a.Key, StringComparer.Ordinal).Select(a => $"{a.Key}={a.Value}"));
            await output.WriteLineAsync($"  {ns.Name}: {AnnotationKeys.Injection}={ns.Injection ?? "(unset: pods opt in one by one)"}{(values.Length == 0 ? "" : "; " + values)}");
        }

        await output.WriteLineAsync();
        await output.WriteLineAsync(needsAction == 0
            ? $"{rows.Count - 1} opted-in pod(s), none needs action."
            : $"{rows.Count - 1} opted-in pod(s), {needsAction} need(s) action: restart their workloads (kubectl rollout restart) once the injector answers.");
        return needsAction == 0 ? 0 : 1;
    }

    private static async Task<string?> ListAsync(List<V1Pod> pods, Func<string?, CancellationToken, Task<V1PodList>> page, string target, CancellationToken cancellationToken)
    {
        string? next = null;
        do
        {
            var token = next;
            var listed = await KubernetesApi.CallAsync(() => page(token, cancellationToken), "list", "pods", target);
            if (listed.Failure is { } failure)
            {
                return failure.Explain();
            }

            pods.AddRange(listed.Value!.Items ?? []);
            next = listed.Value.Metadata?.ContinueProperty is { Length: > 0 } more ? more : null;
        }
        while (next is not null);
        return null;
    }

    /// <summary>The controlling owner; a ReplicaSet made by a Deployment is shown as the Deployment (its name less the template hash).</summary>
    private static string Workload(V1Pod pod)
    {
        if (pod.Metadata.OwnerReferences?.FirstOrDefault(o => o.Controller == true) is not { } owner)
        {
            return "-";
        }

        if (owner.Kind == "ReplicaSet" && pod.Metadata.Labels?.TryGetValue("pod-template-hash", out var hash) == true && owner.Name.EndsWith("-" + hash, StringComparison.Ordinal))
        {
            return $"Deployment/{owner.Name[..^(hash.Length + 1)]}";
        }

        return $"{owner.Kind}/{owner.Name}";
    }

    private static async Task WriteTableAsync(TextWriter output, List<string[]> rows)
    {
        var widths = Enumerable.Range(0, rows[0].Length - 1).Select(c => rows.Max(r => r[c].Length)).ToArray();
        foreach (var row in rows)
        {
            await output.WriteLineAsync(string.Join("  ", row.Select((cell, c) => c < widths.Length ? cell.PadRight(widths[c]) : cell)));
        }
    }
}
