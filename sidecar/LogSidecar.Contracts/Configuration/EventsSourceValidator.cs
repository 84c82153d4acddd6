namespace LogSidecar.Contracts.Configuration;

/// <summary>The Kubernetes Events part of <see cref="SidecarConfigValidator"/>: scopes, age, Lease and stream.</summary>
internal static class EventsSourceValidator
{
    private const string At = "sources.events";

    public static void Validate(SidecarConfig config, List<ConfigError> errors)
    {
        var events = config.Sources!.Events!;
        foreach (var name in events.Namespaces ?? [])
        {
            if (!SidecarConfigValidator.IsName(name))
            {
                errors.Add(new($"{At}.namespaces", $"{SidecarConfigValidator.Quote(name)} is not a namespace name; use 1-63 lowercase letters, digits and '-' (flag --events-namespace)"));
            }
        }

        SidecarConfigValidator.Range(errors, $"{At}.maxEventAgeSeconds", events.MaxEventAgeSeconds, 0, 30 * 24 * 3600);
        if (events.Kubeconfig is { } kubeconfig && !Path.IsPathRooted(kubeconfig))
        {
            errors.Add(new($"{At}.kubeconfig", $"'{kubeconfig}' is relative; give an absolute path (flag --kubeconfig makes it absolute)"));
        }

        if (events.Lease is { } lease)
        {
            if (!SidecarConfigValidator.IsName(lease.Name))
            {
                errors.Add(new($"{At}.lease.name", $"{SidecarConfigValidator.Quote(lease.Name)} is not a valid name; use 1-63 lowercase letters, digits and '-'"));
            }

            // Left out, it is the pod's namespace (POD_NAMESPACE), known only where the sidecar runs.
            if (lease.Namespace is { } leaseNamespace && !SidecarConfigValidator.IsName(leaseNamespace))
            {
                errors.Add(new($"{At}.lease.namespace", $"{SidecarConfigValidator.Quote(leaseNamespace)} is not a namespace name"));
            }

            SidecarConfigValidator.Range(errors, $"{At}.lease.durationSeconds", lease.DurationSeconds, 3, 600);
        }

        if (!SidecarConfigValidator.IsName(events.Stream))
        {
            errors.Add(new($"{At}.stream", $"{SidecarConfigValidator.Quote(events.Stream)} is not a valid name; use 1-63 lowercase letters, digits and '-', starting with a letter or digit"));
        }
        else if (config.Streams?.Exists(stream => stream?.Name == events.Stream) == true || config.Sources!.Audit?.Stream == events.Stream)
        {
            errors.Add(new($"{At}.stream", $"'{events.Stream}' is the name of another stream too; give the events stream its own name"));
        }

        if (config.Sinks is not null && !config.Sinks.Exists(sink => sink is null))
        {
            SinkConfigValidator.ValidateRoute(config, events.ToStream(), At, errors);
        }
    }
}
