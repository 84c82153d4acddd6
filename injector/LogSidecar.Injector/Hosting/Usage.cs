namespace LogSidecar.Injector.Hosting;

internal static class Usage
{
    public const string Text = """
        logsidecar-injector: injects the logsidecar log-streaming sidecar into Kubernetes pods.

        Usage:
          logsidecar-injector [serve] [--config FILE] [--listen ADDRESS:PORT] [--tls-cert FILE] [--tls-key FILE]
          logsidecar-injector inject -f FILE|- [-o yaml|json] [--explain] [--config FILE] [--image IMAGE] [--native auto|always|never] [--kube-version 1.30]
          logsidecar-injector check [--config FILE] [--image IMAGE] [--native auto|always|never] [--kube-version 1.30]
          logsidecar-injector --help | --version

        serve   runs the HTTPS mutating admission webhook (POST /inject/namespace-enabled, POST /inject/opt-in,
                GET /healthz, /readyz, /metrics). The certificate and key are PEM files, reloaded when they change.
                With "selfSigned": {"enabled": true} in the configuration, it makes them itself: a CA and a
                certificate kept in a Secret, patched into the webhook configuration's caBundle and renewed.
                It reads the Kubernetes API (namespace defaults, the controller) through KUBECONFIG when set,
                else the pod's service account.
        inject  prints the manifests in FILE (multi-document YAML or JSON; - reads standard input) with every Pod and
                pod template (Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob) injected; other documents
                are printed unchanged. Warnings go to standard error. Exit code 1 when a pod is denied. The
                logsidecar.io/ annotations of Namespace documents in FILE are defaults for the pods in those namespaces.
                --explain prints instead, for each pod template, whether it is injected and why, and every
                logsidecar.io/ key's value with its source (pod, namespace or default).

        check   lists the pods that opted in (from KUBECONFIG, ~/.kube/config or the pod's service account) with,
                for each, whether it has the sidecar, the injector version, missing/drifted and why, and the namespace
                defaults in force. Drift is judged against the configuration given (--config: pass the injector's).
                Exit code 0 when nothing needs action, 1 when a pod misses its sidecar or drifted, 2 when the
                API server cannot be read.

        --config FILE   injector configuration (JSON, camelCase keys; see the README for every key and default).
        """;
}
