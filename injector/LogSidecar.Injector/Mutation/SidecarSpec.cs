namespace LogSidecar.Injector.Mutation;

/// <summary>Everything that shapes the sidecar container of one pod.</summary>
internal sealed record SidecarSpec
{
    public required string Name { get; init; }

    public required string Image { get; init; }

    public required string ImagePullPolicy { get; init; }

    public required string ConfigJson { get; init; }

    public required string VolumeName { get; init; }

    public required string MountPath { get; init; }

    public required string Cpu { get; init; }

    public required string Memory { get; init; }

    public required bool Native { get; init; }

    public required int MetricsPort { get; init; }

    /// <summary>Volume name of the mounted credentials Secret, when one is set.</summary>
    public string? CredentialsVolume { get; init; }
}
