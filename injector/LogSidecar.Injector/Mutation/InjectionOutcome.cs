using System.Text.Json.Nodes;

namespace LogSidecar.Injector.Mutation;

/// <summary>What to answer for one pod: the patch (empty unless injected), warnings, and the denial message.</summary>
internal sealed record InjectionOutcome
{
    public required OutcomeKind Kind { get; init; }

    public SkipReason Skip { get; init; }

    public JsonArray Patch { get; init; } = [];

    public IReadOnlyList<string> Warnings { get; init; } = [];

    /// <summary>The configHash recorded in the status annotation of an injected pod (null otherwise).</summary>
    public string? ConfigHash { get; init; }

    /// <summary>Why the pod was denied or is malformed.</summary>
    public string? Message { get; init; }

    public static InjectionOutcome Skipped(SkipReason reason, IReadOnlyList<string> warnings) =>
        new() { Kind = OutcomeKind.Skipped, Skip = reason, Warnings = warnings };
}
