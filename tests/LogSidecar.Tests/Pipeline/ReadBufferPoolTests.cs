using LogSidecar.Pipeline;

namespace LogSidecar.Tests.Pipeline;

public class ReadBufferPoolTests
{
    private const int Size = 4096;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task BusyFileThatAsksAgainQueuesBehindAQuietFileAlreadyWaiting()
    {
        var pool = new ReadBufferPool(2 * Size, Size);
        var busyFirst = await pool.RentAsync(Size, Cancel);
        var busySecond = await pool.RentAsync(Size, Cancel);

        var quiet = pool.RentAsync(Size, Cancel).AsTask();
        var busyThird = pool.RentAsync(Size, Cancel).AsTask();
        Assert.False(quiet.IsCompleted);

        pool.Return(busyFirst);
        var served = await quiet;
        Assert.False(busyThird.IsCompleted, "the busy file was served before the quiet one that waited first");

        pool.Return(busySecond);
        await busyThird;
        Assert.Equal(Size, served.Length);
    }

    [Fact]
    public async Task BytesLentNeverExceedTheBudgetHoweverManyAsk()
    {
        var pool = new ReadBufferPool(4 * Size, Size);
        var lent = new List<byte[]>();
        for (var i = 0; i < 4; i++)
        {
            lent.Add(await pool.RentAsync(Size, Cancel));
        }

        var waiting = Enumerable.Range(0, 100).Select(_ => pool.RentAsync(Size, Cancel).AsTask()).ToList();

        Assert.Equal(4 * Size, pool.LentBytes);
        Assert.Equal(100, pool.Waiting);
        Assert.All(waiting, request => Assert.False(request.IsCompleted));

        // Each buffer given back serves exactly one request, in order.
        for (var i = 0; i < waiting.Count; i++)
        {
            pool.Return(i < lent.Count ? lent[i] : await waiting[i - lent.Count]);
            await waiting[i];
            Assert.Equal(4 * Size, pool.LentBytes);
            Assert.All(waiting.Skip(i + 1), request => Assert.False(request.IsCompleted));
        }
    }

    [Fact]
    public async Task RequestLargerThanTheBudgetIsServedOnceNothingElseIsLent()
    {
        var pool = new ReadBufferPool(2 * Size, Size);
        var small = await pool.RentAsync(Size, Cancel);

        var large = pool.RentAsync(3 * Size, Cancel).AsTask();
        var after = pool.RentAsync(Size, Cancel).AsTask();
        Assert.False(large.IsCompleted);
        Assert.False(after.IsCompleted, "a later request overtook the large one that waits for the whole budget");

        pool.Return(small);
        var buffer = await large;
        Assert.Equal(3 * Size, buffer.Length);
        Assert.False(after.IsCompleted);

        pool.Return(buffer);
        await after;
        Assert.Equal(Size, pool.LentBytes);
    }

    [Fact]
    public async Task CancelledRequestLeavesTheLineAndTheNextOneIsServed()
    {
        var pool = new ReadBufferPool(Size, Size);
        var held = await pool.RentAsync(Size, Cancel);
        using var giveUp = new CancellationTokenSource();
        var cancelled = pool.RentAsync(Size, giveUp.Token).AsTask();
        var next = pool.RentAsync(Size, Cancel).AsTask();

        await giveUp.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        Assert.Equal(1, pool.Waiting);

        pool.Return(held);
        await next;
        Assert.Equal(0, pool.Waiting);
        Assert.Equal(Size, pool.LentBytes);
    }
}
