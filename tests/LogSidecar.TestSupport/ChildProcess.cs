using System.Diagnostics;
using System.Text;

namespace LogSidecar.TestSupport;

/// <summary>
/// A real child process running one of the solution's programs with <c>dotnet exec</c>, its stdout
/// collected line by line and its stderr kept for failure messages. Waiting is event driven:
/// every new line wakes the waiters, and the timeout only bounds a failing test.
/// </summary>
public sealed class ChildProcess : IAsyncDisposable
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(90);

    private readonly Process _process;
    private readonly List<string> _lines = [];
    private readonly StringBuilder _errors = new();
    private readonly Lock _lock = new();
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ChildProcess(Process process)
    {
        _process = process;
    }

    /// <summary>The sidecar's own build output (see the test project file).</summary>
    private static string SidecarDirectory { get; } = typeof(ChildProcess).Assembly
        .GetCustomAttributes(typeof(System.Reflection.AssemblyMetadataAttribute), false)
        .Cast<System.Reflection.AssemblyMetadataAttribute>()
        .Single(attribute => attribute.Key == "SidecarDirectory").Value!;

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_lock)
            {
                return [.. _lines];
            }
        }
    }

    public string Errors
    {
        get
        {
            lock (_lock)
            {
                return _errors.ToString();
            }
        }
    }

    /// <summary>The path of <paramref name="assembly"/>: the sidecar's from its own build output, the others next to the tests.</summary>
    public static string AssemblyPath(string assembly) =>
        Path.Combine(assembly == "logsidecar.dll" ? SidecarDirectory : AppContext.BaseDirectory, assembly);

    /// <summary>Starts <paramref name="assembly"/> (a dll next to the tests) with <paramref name="args"/>.</summary>
    public static ChildProcess Start(string assembly, IEnumerable<string> args, string? runAs = null, IDictionary<string, string>? environment = null, bool readOutput = true)
    {
        List<string> command = ["dotnet", "exec", AssemblyPath(assembly), .. args];
        if (runAs is not null)
        {
            command.InsertRange(0, ["setpriv", $"--reuid={runAs}", $"--regid={runAs}", "--clear-groups"]);
        }

        return StartCommand(command, environment, readOutput);
    }

    /// <summary>
    /// Starts <paramref name="command"/> (the program, then its arguments). With <paramref name="readOutput"/>
    /// false nothing reads its stdout until <see cref="StandardOutput"/> is read: a pipe nobody reads.
    /// </summary>
    public static ChildProcess StartCommand(IReadOnlyList<string> command, IDictionary<string, string>? environment = null, bool readOutput = true)
    {
        var start = new ProcessStartInfo(command[0]);
        foreach (var arg in command.Skip(1))
        {
            start.ArgumentList.Add(arg);
        }

        start.RedirectStandardInput = true;
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.StandardOutputEncoding = Encoding.UTF8;
        start.UseShellExecute = false;
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var child = new ChildProcess(process);
        if (readOutput)
        {
            process.OutputDataReceived += (_, e) => child.OnOutput(e.Data);
        }

        process.ErrorDataReceived += (_, e) => child.OnError(e.Data);
        process.Exited += (_, _) => child.Signal();
        process.Start();
        if (readOutput)
        {
            process.BeginOutputReadLine();
        }

        process.BeginErrorReadLine();
        return child;
    }

    /// <summary>The stdout pipe of a process started without reading it.</summary>
    public StreamReader StandardOutput => _process.StandardOutput;

    /// <summary>Waits until <paramref name="condition"/> holds for the lines so far; fails with stderr if it never does.</summary>
    public Task WaitUntilAsync(Func<IReadOnlyList<string>, bool> condition, string what, TimeSpan? timeout = null) =>
        WaitCoreAsync(() => condition(_lines), what, timeout);

    /// <summary>Waits until stderr contains <paramref name="text"/>.</summary>
    public Task WaitForErrorOutputAsync(string text) =>
        WaitCoreAsync(() => _errors.ToString().Contains(text, StringComparison.Ordinal), $"'{text}' on stderr", timeout: null);

    // The condition runs under the lock, so it sees the collected output consistently.
    private async Task WaitCoreAsync(Func<bool> condition, string what, TimeSpan? timeout)
    {
        var deadline = Stopwatch.StartNew();
        var limit = timeout ?? DefaultTimeout;
        while (true)
        {
            Task changed;
            lock (_lock)
            {
                if (condition())
                {
                    return;
                }

                changed = _changed.Task;
            }

            if (_process.HasExited)
            {
                // Exited: once its output is fully read, nothing more can change.
                await _process.WaitForExitAsync();
                lock (_lock)
                {
                    if (condition())
                    {
                        return;
                    }
                }

                Assert.Fail($"The process exited ({_process.ExitCode}) before {what}. {Lines.Count} stdout lines. stderr:\n{Tail(Errors)}");
            }

            var remaining = limit - deadline.Elapsed;
            if (remaining <= TimeSpan.Zero)
            {
                Assert.Fail($"Timed out waiting for {what}. {Lines.Count} stdout lines. stderr:\n{Tail(Errors)}");
            }

            try
            {
                await changed.WaitAsync(remaining);
            }
            catch (TimeoutException)
            {
                // Checked at the top of the loop.
            }
        }
    }

    public async Task WriteLineAsync(string line)
    {
        await _process.StandardInput.WriteLineAsync(line);
        await _process.StandardInput.FlushAsync();
    }

    /// <summary>SIGTERM, then the exit code.</summary>
    public async Task<int> TerminateAsync()
    {
        Signals.Send(_process.Id, Signals.SigTerm);
        return await WaitForExitAsync();
    }

    public async Task<int> WaitForExitAsync()
    {
        using var timeout = new CancellationTokenSource(DefaultTimeout);
        await _process.WaitForExitAsync(timeout.Token);
        return _process.ExitCode;
    }

    /// <summary>SIGKILL: no chance to flush or save anything.</summary>
    public async Task KillAsync()
    {
        _process.Kill();
        await WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            // The whole tree: a shell pipeline's sidecar goes too.
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private static string Tail(string text) => text.Length > 4000 ? text[^4000..] : text;

    private void OnOutput(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_lock)
        {
            _lines.Add(line);
        }

        Signal();
    }

    private void OnError(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_lock)
        {
            _errors.AppendLine(line);
        }

        Signal();
    }

    private void Signal()
    {
        TaskCompletionSource previous;
        lock (_lock)
        {
            previous = _changed;
            _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        previous.TrySetResult();
    }
}
