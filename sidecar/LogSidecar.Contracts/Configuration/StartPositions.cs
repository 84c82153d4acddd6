namespace LogSidecar.Contracts.Configuration;

/// <summary>Allowed values of <see cref="StreamConfig.StartAt"/>.</summary>
public static class StartPositions
{
    public const string Head = "head";
    public const string Tail = "tail";
    public static readonly IReadOnlyList<string> All = [Head, Tail];
}
