namespace LogSidecar.Parsing;

/// <summary>A well-known key's rank among the time, level and message keys (lower is preferred; -1: not one of them).</summary>
internal readonly record struct KeyRoles(int Time, int Level, int Message)
{
    public static readonly KeyRoles None = new(-1, -1, -1);

    public bool IsNone => Time < 0 && Level < 0 && Message < 0;
}
