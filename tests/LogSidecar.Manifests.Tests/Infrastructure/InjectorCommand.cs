namespace LogSidecar.Manifests.Tests.Infrastructure;

/// <summary>
/// The injector's offline <c>inject</c> command, run as a real process (<c>dotnet exec</c>) from the
/// build output the project reference copies next to the tests.
/// </summary>
public static class InjectorCommand
{
    public static string Assembly => Path.Combine(AppContext.BaseDirectory, "logsidecar-injector.dll");

    public static Task<ProcessResult> InjectAsync(string file, IEnumerable<string> flags, CancellationToken cancellationToken) =>
        ProcessRunner.RunAsync("dotnet", ["exec", Assembly, "inject", "-f", file, .. flags], cancellationToken);
}
