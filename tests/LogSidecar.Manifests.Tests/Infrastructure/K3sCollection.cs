namespace LogSidecar.Manifests.Tests.Infrastructure;

/// <summary>The end-to-end test classes that share one <see cref="K3sInstall"/>; xUnit runs them one after another.</summary>
[CollectionDefinition(Name)]
public sealed class K3sCollection : ICollectionFixture<K3sInstall>
{
    public const string Name = "K3s cluster";
}
