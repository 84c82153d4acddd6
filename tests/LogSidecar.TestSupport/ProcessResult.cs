namespace LogSidecar.TestSupport;

/// <summary>What a finished child process left behind.</summary>
public sealed record ProcessResult(int ExitCode, string Output, string Error)
{
    public string Describe(string what) => $"{what} exited with {ExitCode}. stderr:\n{Error}\nstdout:\n{(Output.Length > 4000 ? Output[..4000] : Output)}";
}
