namespace LogSidecar.Injector.Tests.Infrastructure;

/// <summary>A kubeconfig file as kubectl writes one: a single cluster at <c>server</c>, a token user, and that context current.</summary>
public static class Kubeconfig
{
    /// <summary>Writes the kubeconfig for <paramref name="server"/> (such as the stand-in's <see cref="LoopbackKubernetesApi.Address"/>) to <paramref name="path"/>; returns the path.</summary>
    public static string Write(string path, Uri server)
    {
        File.WriteAllText(path, $"""
            apiVersion: v1
            kind: Config
            clusters:
            - name: loopback
              cluster:
                server: {server}
            users:
            - name: tester
              user:
                token: not-checked
            contexts:
            - name: loopback
              context:
                cluster: loopback
                user: tester
            current-context: loopback
            """);
        return path;
    }
}
