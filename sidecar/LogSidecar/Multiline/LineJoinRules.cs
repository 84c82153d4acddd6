using LogSidecar.Contracts.Configuration;
using LogSidecar.Text;

namespace LogSidecar.Multiline;

/// <summary>Builds a fresh rule (rules keep per-file state) from a stream's multiline configuration.</summary>
internal static class LineJoinRules
{
    public static Func<ILineJoinRule>? Factory(MultilineConfig? config, RegexUse use)
    {
        if (config is null)
        {
            return null;
        }

        return config switch
        {
            { Preset: MultilinePresets.Java } => () => new JavaRule(),
            { Preset: MultilinePresets.DotNet } => () => new DotNetRule(),
            { Preset: MultilinePresets.Python } => () => new PythonRule(),
            { Preset: MultilinePresets.Go } => () => new GoRule(),
            { FirstLine: { } firstLine } => Shared(RegexLineRule.FirstLine(firstLine, use)),
            { Continuation: { } continuation } => Shared(RegexLineRule.Continuation(continuation, use)),
            _ => throw new ArgumentException("multiline needs a preset, firstLine or continuation", nameof(config)),
        };
    }

    // Regex rules keep no state: one instance serves every file (Regex is thread-safe).
    private static Func<ILineJoinRule> Shared(RegexLineRule rule) => () => rule;
}
