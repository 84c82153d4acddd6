namespace LogSidecar.Contracts.Configuration;

/// <summary>Allowed values of <see cref="SidecarConfig.Mode"/> and <see cref="StreamConfig.Mode"/>: where records go.</summary>
public static class DeliveryModes
{
    /// <summary>JSON lines on stdout, for the node agent and <c>kubectl logs</c>.</summary>
    public const string Stdout = "stdout";

    /// <summary>Straight to a backend (a sink).</summary>
    public const string Ship = "ship";

    /// <summary>Both; a record is acknowledged only when both took it.</summary>
    public const string Both = "both";

    public static readonly IReadOnlyList<string> All = [Stdout, Ship, Both];

    public static bool Ships(string mode) => mode is Ship or Both;

    public static bool WritesStdout(string mode) => mode is Stdout or Both;
}
