namespace LogSidecar.Tests;

/// <summary>
/// Samples, until disposed, how many descriptors a process holds on files under a directory, from
/// <c>/proc/PID/fd</c> (what the kernel says it has open), and keeps the highest count seen.
/// </summary>
internal sealed class DescriptorSampler : IAsyncDisposable
{
    private readonly int _pid;
    private readonly string _prefix;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _sampling;

    public DescriptorSampler(int pid, string directory)
    {
        _pid = pid;
        _prefix = directory.TrimEnd('/') + "/";
        _sampling = Task.Run(SampleAsync);
    }

    /// <summary>The most descriptors on files under the directory seen in one sample.</summary>
    public int Highest { get; private set; }

    public int Samples { get; private set; }

    /// <summary>Descriptors the process holds now on files under the directory.</summary>
    public int Count()
    {
        var count = 0;
        try
        {
            foreach (var fd in Directory.EnumerateFileSystemEntries($"/proc/{_pid}/fd"))
            {
                try
                {
                    if (new FileInfo(fd).LinkTarget?.StartsWith(_prefix, StringComparison.Ordinal) == true)
                    {
                        count++;
                    }
                }
                catch (IOException)
                {
                    // Closed between listing and reading the link.
                }
            }
        }
        catch (Exception e) when (e is DirectoryNotFoundException or UnauthorizedAccessException or IOException)
        {
            // The process has exited.
        }

        return count;
    }

    /// <summary>Stops sampling; <see cref="Highest"/> is final from then on.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!_sampling.IsCompleted)
        {
            await _stop.CancelAsync();
            await _sampling;
            _stop.Dispose();
        }
    }

    private async Task SampleAsync()
    {
        // A sampling cadence, not a wait for something to happen.
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(1));
        try
        {
            do
            {
                Highest = Math.Max(Highest, Count());
                Samples++;
            }
            while (await timer.WaitForNextTickAsync(_stop.Token));
        }
        catch (OperationCanceledException)
        {
            // Disposed.
        }
    }
}
