using System.Text.RegularExpressions;
using LogSidecar.Contracts.Configuration;
using LogSidecar.Injector.Text;

namespace LogSidecar.Injector.Annotations;

/// <summary>
/// Turns a pod's <c>logsidecar.io/</c> annotations into <see cref="InjectionSettings"/> and the sidecar
/// configuration, collecting every warning and denial at once. Bad values fall back to defaults with
/// a warning; values that would make a broken pod are denied with a message saying what to change.
/// </summary>
internal static partial class PodAnnotationParser
{
    /// <summary>Glob, relative to the mount path, tailed when no paths are given.</summary>
    public const string DefaultGlob = "*.log";

    /// <summary>
    /// Reads the pod's annotations over <paramref name="ns"/>'s (pod &gt; namespace &gt; <paramref name="defaults"/>);
    /// a bad namespace value is warned about or denied as the same value on the pod would be, under the namespace's name.
    /// </summary>
    public static AnnotationParseResult Parse(
        IReadOnlyDictionary<string, string>? annotations,
        IReadOnlyDictionary<string, string>? labels,
        AnnotationDefaults defaults,
        NamespaceDefaults? ns = null)
    {
        annotations ??= new Dictionary<string, string>();
        var effective = EffectiveAnnotations.Merge(annotations, ns);
        var findings = new AnnotationFindings(effective.Where);
        CheckUnknownKeys(annotations, labels, findings);
        if (ns is not null)
        {
            CheckNamespaceKeys(ns, findings);
        }


        var mountPath = PathRules.Normalize(defaults.MountPath);
        if (effective.Get(AnnotationKeys.MountPath) is { } requestedMount)
        {
            if (PathRules.CheckMountPath(requestedMount) is { } problem)
            {
                findings.Deny(AnnotationKeys.MountPath, problem);
            }
            else
            {
                mountPath = PathRules.Normalize(requestedMount);
                findings.Apply(AnnotationKeys.MountPath);
            }
        }

        var formats = FormatRules.Check(effective.Get(AnnotationKeys.Format), effective.Get(AnnotationKeys.Regex), effective.Get(AnnotationKeys.Multiline), FormatKeys.Annotations, "", findings);
        var streams = ReadStreams(effective.Get(AnnotationKeys.Config), effective.Get(AnnotationKeys.Paths), mountPath, formats, findings);
        var containers = ReadContainers(effective.Get(AnnotationKeys.Containers), findings);
        var shipping = ReadShipping(effective, findings);
        var cpu = ReadQuantity(AnnotationKeys.Cpu, effective.Get(AnnotationKeys.Cpu), defaults.Cpu, AnnotationDefaults.MinCpu, defaults.MaxCpu, findings);
        var memory = ReadQuantity(AnnotationKeys.Memory, effective.Get(AnnotationKeys.Memory), defaults.Memory, AnnotationDefaults.MinMemory, defaults.MaxMemory, findings);
        var native = ReadBool(AnnotationKeys.Native, effective.Get(AnnotationKeys.Native), findings);
        var image = ReadImage(effective.Get(AnnotationKeys.Image), defaults.AllowedImages, findings);
        var metricsPort = ReadMetricsPort(effective.Get(AnnotationKeys.MetricsPort), findings);
        var metricsAddress = ReadMetricsAddress(effective.Get(AnnotationKeys.MetricsAddress), findings);

        var config = new SidecarConfig { Streams = streams ?? [] };
        if (shipping.Sink is not null)
        {
            config.Mode = shipping.Mode;
            config.Sinks = [shipping.Sink];
        }

        // The sidecar's own validator is the last word, once the annotations themselves are sound.
        if (streams is not null && findings.Denials.Count == 0)
        {
            foreach (var error in SidecarConfigValidator.Validate(config))
            {
                findings.Deny(effective.Has(AnnotationKeys.Config) ? AnnotationKeys.Config : AnnotationKeys.Paths, error.ToString());
            }
        }

        var settings = findings.Denials.Count > 0
            ? null
            : new InjectionSettings
            {
                Config = config,
                MountPath = mountPath,
                Containers = containers,
                Cpu = cpu,
                Memory = memory,
                Native = native,
                Image = image,
                Secret = shipping.Secret,
                MetricsPort = metricsPort,
                MetricsAddress = metricsAddress,
            };

        return new AnnotationParseResult
        {
            Settings = settings,
            Denials = findings.Denials,
            Warnings = findings.Warnings,
            Applied = findings.Applied,
            Ignored = findings.Ignored,
            Sources = effective.Sources,
            Given = effective.Values,
        };
    }

    /// <summary>Namespace annotations that are no defaults: warned about under the namespace's name, never applied.</summary>
    private static void CheckNamespaceKeys(NamespaceDefaults ns, AnnotationFindings findings)
    {
        foreach (var key in ns.Annotations.Keys.Order(StringComparer.Ordinal))
        {
            if (EffectiveAnnotations.NamespaceKeys.Contains(key, StringComparer.Ordinal))
            {
                continue;
            }

            var message = key switch
            {
                AnnotationKeys.Injection => $"is a label, not an annotation; turn injection on with kubectl label namespace {ns.Name} {AnnotationKeys.Injection}=enabled",
                AnnotationKeys.Inject => $"is read from pods only; on a namespace use the label {AnnotationKeys.Injection}",
                AnnotationKeys.Status => "is written by the injector on pods; it was ignored",
                AnnotationKeys.Repair => null,
                _ => $"unknown annotation was ignored{Suggest(key, EffectiveAnnotations.NamespaceKeys)}",
            };
            if (message is not null)
            {
                findings.WarnAt($"namespace {ns.Name} annotation {key}", message);
            }
        }
    }

    private static void CheckUnknownKeys(IReadOnlyDictionary<string, string> annotations, IReadOnlyDictionary<string, string>? labels, AnnotationFindings findings)
    {
        foreach (var key in annotations.Keys.Order(StringComparer.Ordinal))
        {
            // restarted-at comes with the pods of a workload the controller restarted: written by us, never a knob.
            if (key.StartsWith(AnnotationKeys.Prefix, StringComparison.Ordinal) && !AnnotationKeys.PodAnnotations.Contains(key, StringComparer.Ordinal) && key != AnnotationKeys.RestartedAt)
            {
                findings.Ignore(key, key == AnnotationKeys.Injection
                    ? $"is a namespace label; on a pod use {AnnotationKeys.Inject}"
                    : $"unknown annotation was ignored{Suggest(key, AnnotationKeys.PodAnnotations)}");
            }
        }

        foreach (var key in (labels?.Keys ?? []).Order(StringComparer.Ordinal))
        {
            if (key.StartsWith(AnnotationKeys.Prefix, StringComparison.Ordinal) && !AnnotationKeys.PodLabels.Contains(key, StringComparer.Ordinal))
            {
                findings.Ignore(key, key == AnnotationKeys.Injection
                    ? $"is a namespace label; on a pod use the label {AnnotationKeys.Inject}"
                    : AnnotationKeys.PodAnnotations.Contains(key, StringComparer.Ordinal)
                        ? "is read from annotations, not labels; move it to metadata.annotations"
                        : $"unknown label was ignored{Suggest(key, AnnotationKeys.PodLabels)}");
            }
        }
    }

    private static List<StreamConfig>? ReadStreams(string? configJson, string? paths, string mountPath, FormatChoice formats, AnnotationFindings findings)
    {
        if (configJson is not null)
        {
            if (paths is not null)
            {
                findings.Ignore(AnnotationKeys.Paths, $"ignored because {AnnotationKeys.Config} is set; put the globs in its streams");
            }

            var streams = ConfigAnnotationReader.Read(configJson, mountPath, formats, findings);
            if (streams is not null)
            {
                findings.Apply(AnnotationKeys.Config);
            }

            return streams;
        }

        var globs = new List<string>();
        if (paths is not null)
        {
            var entries = paths.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            if (entries.Length == 0)
            {
                findings.Ignore(AnnotationKeys.Paths, $"no glob given; tailing the default {mountPath}/{DefaultGlob}");
            }

            var denied = false;
            foreach (var entry in entries)
            {
                if (PathRules.ResolveGlob(entry, mountPath, out var problem) is { } resolved)
                {
                    globs.Add(resolved);
                }
                else
                {
                    denied = true;
                    findings.Deny(AnnotationKeys.Paths, problem!);
                }
            }

            if (entries.Length > 0 && !denied)
            {
                findings.Apply(AnnotationKeys.Paths);
            }
        }

        if (globs.Count == 0)
        {
            globs.Add($"{mountPath}/{DefaultGlob}");
        }

        var stream = new StreamConfig { Name = StreamConfig.DefaultName, Paths = globs };
        formats.ApplyTo(stream);
        return [stream];
    }

    private static bool ShipsTo(EffectiveAnnotations effective) =>
        effective.Get(AnnotationKeys.Mode) is { } mode && mode != AnnotationValues.DefaultMode && AnnotationValues.Modes.Contains(mode, StringComparer.Ordinal);

    private static List<string>? ReadContainers(string? value, AnnotationFindings findings)
    {
        if (value is null)
        {
            return null;
        }

        var names = value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Distinct(StringComparer.Ordinal).ToList();
        if (names.Count == 0)
        {
            findings.Ignore(AnnotationKeys.Containers, "no container name given; every app container gets the log volume");
            return null;
        }

        findings.Apply(AnnotationKeys.Containers);
        return names;
    }

    /// <summary>Checks mode, sink, endpoint, index and secret together; returns the mode, the backend and the Secret to mount.</summary>
    private static (string Mode, SinkConfig? Sink, string? Secret) ReadShipping(EffectiveAnnotations effective, AnnotationFindings findings)
    {
        // A namespace may name a backend for the pods that ship: to a pod that does not, its backend keys do not apply.
        string? Get(string key) => effective.Get(key) is { } value && (ShipsTo(effective) || effective.SourceOf(key) != ValueSource.Namespace) ? value : null;

        var mode = AnnotationValues.DefaultMode;
        if (effective.Get(AnnotationKeys.Mode) is { } requestedMode)
        {
            if (AnnotationValues.Modes.Contains(requestedMode, StringComparer.Ordinal))
            {
                mode = requestedMode;
                findings.Apply(AnnotationKeys.Mode);
            }
            else
            {
                findings.Ignore(AnnotationKeys.Mode, $"{ValueText.Quote(requestedMode)} is not one of: {string.Join(", ", AnnotationValues.Modes)}; records go to stdout");
            }
        }

        var ships = mode != AnnotationValues.DefaultMode;
        var notShipping = $"ignored because records only go to stdout; set {AnnotationKeys.Mode} to ship or both";
        var sink = Get(AnnotationKeys.Sink);
        var endpoint = Get(AnnotationKeys.Endpoint);
        var index = Get(AnnotationKeys.Index);
        var secret = Get(AnnotationKeys.Secret);
        string? acceptedEndpoint = null;
        string? acceptedIndex = null;

        if (sink is not null)
        {
            if (!ships)
            {
                findings.Ignore(AnnotationKeys.Sink, notShipping);
            }
            else if (!AnnotationValues.Sinks.Contains(sink, StringComparer.Ordinal))
            {
                findings.Deny(AnnotationKeys.Sink, $"{ValueText.Quote(sink)} is not one of: {string.Join(", ", AnnotationValues.Sinks)}");
                sink = null;
            }
            else
            {
                findings.Apply(AnnotationKeys.Sink);
            }
        }
        else if (ships)
        {
            findings.Deny(AnnotationKeys.Mode, $"mode {mode} needs a backend; add {AnnotationKeys.Sink} ({string.Join(", ", AnnotationValues.Sinks)})");
        }

        if (endpoint is not null)
        {
            if (!ships)
            {
                findings.Ignore(AnnotationKeys.Endpoint, notShipping);
            }
            else if (!Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps) || !string.IsNullOrEmpty(uri.UserInfo))
            {
                findings.Deny(AnnotationKeys.Endpoint, $"{ValueText.Quote(endpoint)} is not an http(s) URL without credentials; give one such as https://elasticsearch.logging:9200 and put credentials in {AnnotationKeys.Secret}");
            }
            else
            {
                findings.Apply(AnnotationKeys.Endpoint);
                acceptedEndpoint = endpoint;
            }
        }
        else if (ships)
        {
            findings.Deny(AnnotationKeys.Mode, $"mode {mode} needs a backend address; add {AnnotationKeys.Endpoint}, for example https://elasticsearch.logging:9200");
        }

        if (index is not null)
        {
            if (!ships)
            {
                findings.Ignore(AnnotationKeys.Index, notShipping);
            }
            else if (sink is not null && !AnnotationValues.IndexedSinks.Contains(sink, StringComparer.Ordinal))
            {
                findings.Ignore(AnnotationKeys.Index, $"ignored because sink {sink} has no index");
            }
            else if (!IndexNames.IsValid(index))
            {
                findings.Ignore(AnnotationKeys.Index, $"{ValueText.Quote(index)} is not a valid index name ({IndexNames.Rule}); the sink's default index is used");
            }
            else
            {
                findings.Apply(AnnotationKeys.Index);
                acceptedIndex = index;
            }
        }

        // Only values that were applied make a backend: a refused sink or endpoint leaves none (and denies the pod).
        var backend = sink is not null && acceptedEndpoint is not null
            ? new SinkConfig { Type = sink, Endpoint = acceptedEndpoint, CredentialsDir = secret is null ? null : SidecarPaths.CredentialsDir }
            : null;
        if (backend is not null && acceptedIndex is not null)
        {
            backend.Index = acceptedIndex;
        }

        if (secret is null)
        {
            return (mode, backend, null);
        }

        if (!ships)
        {
            findings.Ignore(AnnotationKeys.Secret, notShipping);
            return (mode, backend, null);
        }

        if (secret.Length > 253 || !SecretName().IsMatch(secret))
        {
            findings.Deny(AnnotationKeys.Secret, $"{ValueText.Quote(secret)} is not a valid Secret name; use lowercase letters, digits, '-' and '.'");
            return (mode, backend, null);
        }

        findings.Apply(AnnotationKeys.Secret);
        return (mode, backend, secret);
    }

    private static string ReadQuantity(string key, string? value, string fallback, string min, string max, AnnotationFindings findings)
    {
        if (value is null)
        {
            return fallback;
        }

        if (!ResourceQuantity.TryParse(value, out var amount) || amount <= 0)
        {
            findings.Ignore(key, $"{ValueText.Quote(value)} is not a positive Kubernetes quantity (such as 100m or 128Mi); using the default {fallback}");
            return fallback;
        }

        if (ResourceQuantity.TryParse(max, out var cap) && amount > cap)
        {
            findings.Ignore(key, $"{ValueText.Quote(value)} is above the cap {max}; using {max}");
            return max;
        }

        if (ResourceQuantity.TryParse(min, out var floor) && amount < floor)
        {
            findings.Ignore(key, $"{ValueText.Quote(value)} is below the minimum {min}; using {min}");
            return min;
        }

        findings.Apply(key);
        return value;
    }

    private static bool? ReadBool(string key, string? value, AnnotationFindings findings)
    {
        if (value is null)
        {
            return null;
        }

        if (value.Equals("true", StringComparison.OrdinalIgnoreCase))
        {
            findings.Apply(key);
            return true;
        }

        if (value.Equals("false", StringComparison.OrdinalIgnoreCase))
        {
            findings.Apply(key);
            return false;
        }

        findings.Ignore(key, $"{ValueText.Quote(value)} is not true or false; the injector's default is used");
        return null;
    }

    private static string? ReadImage(string? value, IReadOnlyList<string> allowed, AnnotationFindings findings)
    {
        if (value is null)
        {
            return null;
        }

        if (allowed.Count == 0)
        {
            findings.Ignore(AnnotationKeys.Image, "image overrides are turned off in this cluster; the configured image is used");
            return null;
        }

        if (ImageReference.Check(value) is { } problem)
        {
            findings.Ignore(AnnotationKeys.Image, $"{problem}; the configured image is used");
            return null;
        }

        if (!allowed.Any(pattern => ImageGlob.Matches(pattern, value)))
        {
            findings.Ignore(AnnotationKeys.Image, $"{ValueText.Quote(value)} is not in the allow-list ({string.Join(", ", allowed)}); the configured image is used");
            return null;
        }

        findings.Apply(AnnotationKeys.Image);
        return value;
    }

    /// <summary>A TCP port the sidecar can bind without privileges; whether the pod already uses it is checked against the pod.</summary>
    private static int? ReadMetricsPort(string? value, AnnotationFindings findings)
    {
        if (value is null)
        {
            return null;
        }

        if (!int.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var port)
            || port is < SidecarPorts.MinPort or > SidecarPorts.MaxPort)
        {
            findings.Deny(AnnotationKeys.MetricsPort, $"{ValueText.Quote(value)} is not a port from {SidecarPorts.MinPort} to {SidecarPorts.MaxPort} (the sidecar runs without privileges, so it cannot bind ports below {SidecarPorts.MinPort})");
            return null;
        }

        findings.Apply(AnnotationKeys.MetricsPort);
        return port;
    }

    /// <summary>An IP address to bind /metrics, /healthz and /readyz to; whether it suits the pod's network is checked against the pod.</summary>
    private static string? ReadMetricsAddress(string? value, AnnotationFindings findings)
    {
        if (value is null)
        {
            return null;
        }

        // The pod's own addresses are not known at admission (it is not scheduled yet): only "all" or "loopback" can be bound.
        if (!System.Net.IPAddress.TryParse(value, out var address) || value.Contains('%', StringComparison.Ordinal)
            || !(SidecarPorts.IsWildcard(value) || SidecarPorts.IsLoopback(value)))
        {
            findings.Deny(AnnotationKeys.MetricsAddress, $"{ValueText.Quote(value)} is not one of 0.0.0.0 or :: (every address of the pod) and 127.0.0.1 or ::1 (inside the pod only); the pod's own address is not known when it is created");
            return null;
        }

        findings.Apply(AnnotationKeys.MetricsAddress);
        return address.ToString();
    }

    private static string Suggest(string key, IReadOnlyList<string> known)
    {
        var best = known.MinBy(candidate => Distance(key, candidate));
        return best is not null && Distance(key, best) <= 3 ? $"; did you mean {best}?" : "; see the annotation reference in the README";
    }

    private static int Distance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }

    [GeneratedRegex(@"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")]
    private static partial Regex SecretName();
}
