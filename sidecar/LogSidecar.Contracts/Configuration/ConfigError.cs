namespace LogSidecar.Contracts.Configuration;

/// <summary>One thing wrong with a configuration: the field (JSON path style) and what to change.</summary>
public sealed record ConfigError(string Field, string Message)
{
    public override string ToString() => $"{Field}: {Message}";
}
