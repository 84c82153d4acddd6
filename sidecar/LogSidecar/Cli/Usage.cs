namespace LogSidecar.Cli;

/// <summary>The text of <c>--help</c>.</summary>
internal static class Usage
{
    public const string Text = """
        logsidecar: tails log files and delivers every record to stdout as JSON or to a backend, losing nothing.

        Usage:
          logsidecar --path '/var/log/app/*.log' [options]
          logsidecar --audit-listen 127.0.0.1:8443 --tls-cert F --tls-key F --client-ca F --audit-spool DIR
          logsidecar --events [--events-namespace NS] [--kubeconfig FILE]
          logsidecar --config /etc/logsidecar/config.json
          LOGSIDECAR_CONFIG='{"streams":[...]}' logsidecar

        Options:
          -p, --path GLOB          file glob to tail (repeatable); replaces the configured streams
              --stream NAME        stream name for --path files (default: app)
              --start-at head|tail where to start in files present at the very first start (default: head)
          -f, --format FORMAT      plain (default), json, logfmt, regex, klog or k8s-audit
              --regex REGEX        .NET regex with named groups (time, level, message, others) for --format regex
          -m, --multiline RULE     join lines: java, dotnet, python, go, or a regex matching each record's first line
          -o, --output json|raw    one JSON object per line (default) or the line as read
              --mode MODE          stdout (default), ship (to the --sink backend) or both
              --sink TYPE          elasticsearch, opensearch, loki or otlp
              --endpoint URL       the backend's base URL, such as http://127.0.0.1:9200
              --index PATTERN      Elasticsearch index; %Y %m %d %H take the record's UTC time (default logsidecar-%Y.%m.%d)
              --ca-file FILE       PEM CA certificate that signed the backend's certificate
              --credentials-dir DIR files username + password, api-key or token (a mounted Secret)
              --audit-listen ADDR:PORT serve the API server's audit webhook (HTTPS) and print its events
              --tls-cert FILE      PEM server certificate of the audit endpoint (reloaded when it changes)
              --tls-key FILE       PEM private key of --tls-cert
              --client-ca FILE     PEM CA whose client certificates may POST audit events
              --audit-token-file FILE bearer token clients may send instead of a certificate
              --audit-spool DIR    where accepted audit events wait, flushed to disk, until delivered
              --events             watch Kubernetes Events (in-cluster credentials, or KUBECONFIG / ~/.kube/config) and print them
              --events-namespace NS watch only these namespaces (repeat, or comma-separated); default every namespace
              --kubeconfig FILE    kubeconfig for --events (its current context)
              --events-lease [NS/]NAME elect one shipper among replicas with this Lease, which also keeps the checkpoint
              --checkpoint-dir DIR where read positions are kept (default: .logsidecar under the first glob's directory)
              --metrics-port PORT  port of /healthz, /readyz, /metrics on 127.0.0.1 (default 2020; 0 = off)
              --log-level LEVEL    debug, info (default), warn or error; diagnostics go to stderr
              --once               read every matching file to its end, then exit
          -c, --config FILE        JSON configuration file (see README); flags override it
              --version            print the version
          -h, --help               this text

        Exit codes: 0 done, 1 failure at run time, 2 invalid configuration.
        """;
}
