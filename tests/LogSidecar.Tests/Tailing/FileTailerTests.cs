using System.Text;
using System.Threading.Channels;
using LogSidecar.Contracts.Configuration;
using LogSidecar.Diagnostics;
using LogSidecar.Multiline;
using LogSidecar.Pipeline;
using LogSidecar.Tailing;
using LogSidecar.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace LogSidecar.Tests.Tailing;

public class FileTailerTests
{
    private static readonly TailingOptions Options = new(
        ReadBufferBytes: 4096,
        MaxLineBytes: 1024,
        PollInterval: TimeSpan.FromMilliseconds(250),
        PartialLineTimeout: TimeSpan.FromSeconds(1),
        RotateWait: TimeSpan.FromSeconds(5),
        FingerprintBytes: 1024);

    private readonly FakeTimeProvider _time = new();
    private readonly Channel<LineBatch> _channel = Channel.CreateUnbounded<LineBatch>();
    private readonly ReadBufferPool _buffers = new(16 * Options.ReadBufferBytes, Options.ReadBufferBytes);
    private bool _othersWaiting;

    [Fact]
    public async Task UnterminatedLineIsHeldBackUntilTheFileHasBeenIdleForTheTimeout()
    {
        using var dir = new TempDirectory();
        await File.WriteAllTextAsync(dir.File("a.log"), "first\npartial", TestContext.Current.CancellationToken);
        using var stop = new CancellationTokenSource();
        using var tailer = Open(dir.File("a.log"));
        var running = tailer.RunAsync(stop.Token, CancellationToken.None);

        var (first, firstRead) = await NextAsync();
        Assert.Equal(["first"], first.Select(r => r.Text));

        var (records, flushedAt) = await NextAsync();
        var flushed = Assert.Single(records);
        Assert.Equal(("partial", RecordFlags.Unterminated), (flushed.Text, flushed.Flags));
        Assert.True(flushedAt - firstRead >= Options.PartialLineTimeout, $"flushed after only {flushedAt - firstRead}");

        await stop.CancelAsync();
        await running;
    }

    [Fact]
    public async Task DetachedFileIsReadToItsEndAndClosedAfterTheRotateWaitEvenWhileOthersWait()
    {
        using var dir = new TempDirectory();
        var path = dir.File("a.log");
        await File.WriteAllTextAsync(path, "before\n", TestContext.Current.CancellationToken);
        using var tailer = Open(path);
        var running = tailer.RunAsync(CancellationToken.None, CancellationToken.None);
        Assert.Equal(["before"], (await NextAsync()).Records.Select(r => r.Text));

        // Written after the file was renamed away: still read, because the tailer holds it open. It
        // cannot be opened again by name, so it keeps its descriptor, though other files wait for one.
        File.Move(path, path + ".1");
        await File.AppendAllTextAsync(path + ".1", "after\n", TestContext.Current.CancellationToken);
        tailer.Detach();
        _othersWaiting = true;
        var (after, readTime) = await NextAsync();
        Assert.Equal(["after"], after.Select(r => r.Text));

        await AdvanceUntilAsync(running);
        Assert.Equal(TailerExit.Finished, await running);
        Assert.True(_time.GetUtcNow() - readTime >= Options.RotateWait, "closed before the rotate wait");
    }

    [Fact]
    public async Task StackTraceCutByRotationIsEmittedWholeBeforeTheOldFileIsClosed()
    {
        using var dir = new TempDirectory();
        var path = dir.File("a.log");
        await File.WriteAllTextAsync(path, "ERROR failed\njava.lang.IllegalStateException: x\n\tat A.a(A.java:1)\n", TestContext.Current.CancellationToken);
        var framer = new WatchedStream(new StreamConfig { Name = "app", Paths = [path], Multiline = new MultilineConfig { Preset = MultilinePresets.Java } }, RegexUse.None)
            .CreateFramer(Options.MaxLineBytes, 0);
        using var tailer = Open(path, framer);
        var running = tailer.RunAsync(CancellationToken.None, CancellationToken.None);

        File.Move(path, path + ".1");
        tailer.Detach();
        var (records, _) = await NextAsync();
        await AdvanceUntilAsync(running);

        var record = Assert.Single(records);
        Assert.Equal("ERROR failed\njava.lang.IllegalStateException: x\n\tat A.a(A.java:1)", record.Text);
        await running;
    }

    [Fact]
    public async Task FileReadToItsEndRestsWhileOthersWaitAndResumesFromItsPositionWhenItGrows()
    {
        using var dir = new TempDirectory();
        var path = dir.File("a.log");
        await File.WriteAllTextAsync(path, "one\ntwo\n", TestContext.Current.CancellationToken);
        _othersWaiting = true;
        using var tailer = Open(path);

        var first = tailer.RunAsync(CancellationToken.None, CancellationToken.None);
        Assert.Equal(["one", "two"], (await NextAsync()).Records.Select(r => r.Text));
        await AdvanceUntilAsync(first);
        Assert.Equal(TailerExit.Resting, await first);
        tailer.CloseHandle();

        // Written while it rested: read once its descriptor is back, from where it stopped.
        await File.AppendAllTextAsync(path, "three\n", TestContext.Current.CancellationToken);
        tailer.Resume(File.OpenHandle(path));
        var second = tailer.RunAsync(CancellationToken.None, CancellationToken.None);
        Assert.Equal(["three"], (await NextAsync()).Records.Select(r => r.Text));
        await AdvanceUntilAsync(second);
        Assert.Equal(TailerExit.Resting, await second);
    }

    [Fact]
    public async Task FileWithAnUnterminatedLastLineKeepsItsDescriptorUntilTheLineIsEmitted()
    {
        using var dir = new TempDirectory();
        var path = dir.File("a.log");
        await File.WriteAllTextAsync(path, "whole\npartial", TestContext.Current.CancellationToken);
        _othersWaiting = true;
        using var tailer = Open(path);

        var running = tailer.RunAsync(CancellationToken.None, CancellationToken.None);
        var (whole, readAt) = await NextAsync();
        Assert.Equal(["whole"], whole.Select(r => r.Text));
        Assert.False(running.IsCompleted, "rested while a line was still carried");

        var (partial, flushedAt) = await NextAsync();
        Assert.Equal([("partial", RecordFlags.Unterminated)], partial);
        await AdvanceUntilAsync(running);
        Assert.Equal(TailerExit.Resting, await running);
        Assert.True(flushedAt - readAt >= Options.PartialLineTimeout);
    }

    private FileTailer Open(string path, RecordFramer? framer = null)
    {
        var handle = File.OpenHandle(path);
        var (length, hash) = Fingerprint.Read(handle, Options.FingerprintBytes);
        PosixStat.TryGet(handle, out var stat, out _);
        return new FileTailer(
            new TrackedFile(path, "app"), handle, new FileIdentity(stat.Device, stat.Inode, length, hash), 0, framer ?? new RecordFramer(Options.MaxLineBytes, 0),
            Options, _buffers, () => _othersWaiting, _channel.Writer, new SidecarMetrics(), _time, NullLogger.Instance);
    }

    /// <summary>The next batch, moving fake time on in poll-sized steps until the tailer produces it.</summary>
    private async Task<(List<(string Text, RecordFlags Flags)> Records, DateTimeOffset ReadTime)> NextAsync()
    {
        var next = _channel.Reader.ReadAsync(TestContext.Current.CancellationToken).AsTask();
        await AdvanceUntilAsync(next);
        var batch = await next;
        var records = new List<(string, RecordFlags)>();
        foreach (var record in batch.Records)
        {
            records.Add((Encoding.UTF8.GetString(batch.Bytes(record)), record.Flags));
        }

        batch.Release();
        return (records, batch.ReadTime);
    }

    // Time only moves when the test moves it; the assertions compare fake times, never wall-clock ones.
    private async Task AdvanceUntilAsync(Task task)
    {
        while (!task.IsCompleted)
        {
            await Task.Yield();
            if (!task.IsCompleted)
            {
                _time.Advance(Options.PollInterval);
            }
        }
    }
}
