namespace LogSidecar.Parsing;

/// <summary>A well-known key and its rank among the time, level and message keys (lower is preferred; -1: not one of them).</summary>
internal sealed record KeyRoles(byte[] Key, int Time, int Level, int Message)
{
    public static readonly KeyRoles None = new([], -1, -1, -1);
}
