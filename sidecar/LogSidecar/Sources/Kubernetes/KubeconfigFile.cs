using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace LogSidecar.Sources.Kubernetes;

/// <summary>
/// Reads a kubeconfig file at its current context, as kubectl does: the cluster's server and certificate
/// authority (file or inline data, or insecure-skip-tls-verify), and the user's client certificate, token or
/// token file; relative paths are relative to the file. Credential plugins (<c>exec</c>, <c>auth-provider</c>)
/// are not run: the message says to use a token or certificate, or to run in the cluster.
/// </summary>
internal static class KubeconfigFile
{
    public static ClusterAccessResult Read(string path)
    {
        YamlMappingNode root;
        try
        {
            using var reader = new StreamReader(path, Encoding.UTF8);
            var stream = new YamlStream();
            stream.Load(reader);
            if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode mapping)
            {
                return ClusterAccessResult.Fail($"kubeconfig {path} is empty");
            }

            root = mapping;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return ClusterAccessResult.Fail($"cannot read kubeconfig {path}: {e.Message}");
        }
        catch (YamlException e)
        {
            return ClusterAccessResult.Fail($"kubeconfig {path} is not YAML: {e.Message}");
        }

        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        var contextName = Scalar(root, "current-context");
        if (string.IsNullOrEmpty(contextName))
        {
            return ClusterAccessResult.Fail($"kubeconfig {path} has no current-context: run 'kubectl config use-context NAME'");
        }

        var context = Named(root, "contexts", contextName, "context");
        if (context is null)
        {
            return ClusterAccessResult.Fail($"kubeconfig {path}: current-context '{contextName}' is not in its contexts");
        }

        var clusterName = Scalar(context, "cluster") ?? "";
        var cluster = Named(root, "clusters", clusterName, "cluster");
        if (cluster is null || !Uri.TryCreate(Scalar(cluster, "server"), UriKind.Absolute, out var server))
        {
            return ClusterAccessResult.Fail($"kubeconfig {path}: cluster '{clusterName}' of context '{contextName}' has no usable server address");
        }

        var origin = $"kubeconfig {path}, context {contextName}";
        try
        {
            var access = new ClusterAccess(server, Authorities(cluster, directory), Scalar(cluster, "insecure-skip-tls-verify") == "true")
            {
                Origin = origin,
            };
            var userName = Scalar(context, "user");
            var user = userName is null ? null : Named(root, "users", userName, "user");
            return user is null ? ClusterAccessResult.Ok(access) : WithUser(access, user, directory, origin);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException or FormatException)
        {
            return ClusterAccessResult.Fail($"{origin}: cannot load a certificate or key: {e.Message}");
        }
    }

    private static ClusterAccessResult WithUser(ClusterAccess access, YamlMappingNode user, string directory, string origin)
    {
        if (user.Children.ContainsKey(new YamlScalarNode("exec")) || user.Children.ContainsKey(new YamlScalarNode("auth-provider")))
        {
            return ClusterAccessResult.Fail($"{origin}: the user runs a credential plugin (exec or auth-provider), which logsidecar does not run; use a kubeconfig with a token or client certificate, or run in the cluster with a service account");
        }

        var certificate = PemText(user, "client-certificate", directory);
        var key = PemText(user, "client-key", directory);
        if (certificate is not null && key is not null)
        {
            using var loaded = X509Certificate2.CreateFromPem(certificate, key);

            // A key made from PEM is ephemeral, which TLS on Linux accepts only after a round trip through PKCS#12.
            access = access with { ClientCertificate = X509CertificateLoader.LoadPkcs12(loaded.Export(X509ContentType.Pkcs12), null) };
        }

        var tokenFile = Scalar(user, "tokenFile");
        return ClusterAccessResult.Ok(access with
        {
            Token = Scalar(user, "token"),
            TokenFile = tokenFile is null ? null : Path.Combine(directory, tokenFile),
        });
    }

    private static X509Certificate2Collection? Authorities(YamlMappingNode cluster, string directory)
    {
        var pem = PemText(cluster, "certificate-authority", directory);
        if (pem is null)
        {
            return null;
        }

        var authorities = new X509Certificate2Collection();
        authorities.ImportFromPem(pem);
        return authorities;
    }

    /// <summary>The PEM text of <c>{key}-data</c> (base64 of the PEM) or of the file <c>{key}</c> names.</summary>
    private static string? PemText(YamlMappingNode node, string key, string directory)
    {
        if (Scalar(node, key + "-data") is { } data)
        {
            return Encoding.UTF8.GetString(Convert.FromBase64String(data));
        }

        return Scalar(node, key) is { } file ? File.ReadAllText(Path.Combine(directory, file)) : null;
    }

    /// <summary>The <paramref name="inner"/> mapping of the entry named <paramref name="name"/> in the list <paramref name="list"/>.</summary>
    private static YamlMappingNode? Named(YamlMappingNode root, string list, string name, string inner)
    {
        if (!root.Children.TryGetValue(new YamlScalarNode(list), out var entries) || entries is not YamlSequenceNode sequence)
        {
            return null;
        }

        foreach (var entry in sequence.Children.OfType<YamlMappingNode>())
        {
            if (Scalar(entry, "name") == name && entry.Children.TryGetValue(new YamlScalarNode(inner), out var value))
            {
                return value as YamlMappingNode;
            }
        }

        return null;
    }

    private static string? Scalar(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var value) && value is YamlScalarNode { Value: { } text } ? text : null;
}
