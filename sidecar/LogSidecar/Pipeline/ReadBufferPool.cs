namespace LogSidecar.Pipeline;

/// <summary>
/// The memory for file data, one budget shared by every file: a read buffer is lent from here and
/// comes back when the delivery loop has copied its records out, so bytes read and not yet handed on
/// never exceed the budget, whatever the number of files. Requests are served first come, first
/// served: a busy file that asks again queues behind the files already waiting, so it cannot starve
/// a quiet one. Buffers of the usual size are kept for reuse; the rare larger one (a long carried
/// line) is charged by its size and, when it exceeds the whole budget, lent only when nothing else is.
/// </summary>
internal sealed class ReadBufferPool
{
    // Guards _available, _free and _waiting: renters, returners and cancellations race for them.
    private readonly Lock _lock = new();
    private readonly Stack<byte[]> _free = new();
    private readonly LinkedList<Waiter> _waiting = new();
    private long _available;

    public ReadBufferPool(long budgetBytes, int bufferSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(budgetBytes, bufferSize);
        BudgetBytes = budgetBytes;
        BufferSize = bufferSize;
        _available = budgetBytes;
    }

    /// <summary>The whole budget, in bytes.</summary>
    public long BudgetBytes { get; }

    /// <summary>The usual buffer size; smaller requests get one of these.</summary>
    public int BufferSize { get; }

    /// <summary>Bytes lent out now.</summary>
    public long LentBytes
    {
        get
        {
            lock (_lock)
            {
                return BudgetBytes - _available;
            }
        }
    }

    /// <summary>Requests waiting for memory now.</summary>
    public int Waiting
    {
        get
        {
            lock (_lock)
            {
                return _waiting.Count;
            }
        }
    }

    /// <summary>A buffer of at least <paramref name="minimumBytes"/>, once the budget has room and every earlier request was served.</summary>
    public ValueTask<byte[]> RentAsync(int minimumBytes, CancellationToken cancel)
    {
        var size = Math.Max(minimumBytes, BufferSize);
        Waiter waiter;
        lock (_lock)
        {
            if (_waiting.Count == 0 && Fits(size))
            {
                return ValueTask.FromResult(Take(size));
            }

            cancel.ThrowIfCancellationRequested();
            waiter = new Waiter(this, size);
            waiter.Node = _waiting.AddLast(waiter);
        }

        waiter.Cancellation = cancel.Register(static state => ((Waiter)state!).Cancel(), waiter);
        if (waiter.Task.IsCompleted)
        {
            // Served before the registration existed: it has nothing left to cancel.
            waiter.Cancellation.Unregister();
        }

        return new ValueTask<byte[]>(waiter.Task);
    }

    /// <summary>Gives a buffer back; the longest-waiting requests that now fit are served.</summary>
    public void Return(byte[] buffer)
    {
        List<(Waiter Waiter, byte[] Buffer)> served;
        lock (_lock)
        {
            _available += buffer.Length;
            if (buffer.Length == BufferSize)
            {
                _free.Push(buffer);
            }

            served = ServeWaiting();
        }

        Complete(served);
    }

    private bool Fits(int size) => size <= _available || _available == BudgetBytes;

    private byte[] Take(int size)
    {
        var buffer = size == BufferSize && _free.TryPop(out var reused) ? reused : new byte[size];
        _available -= buffer.Length;
        return buffer;
    }

    private List<(Waiter, byte[])> ServeWaiting()
    {
        var served = new List<(Waiter, byte[])>();
        while (_waiting.First is { } head && Fits(head.Value.Size))
        {
            _waiting.RemoveFirst();
            head.Value.Node = null;
            served.Add((head.Value, Take(head.Value.Size)));
        }

        return served;
    }

    // Outside the lock: a buffer that a cancelled request no longer takes is returned, which takes the lock again.
    private void Complete(List<(Waiter Waiter, byte[] Buffer)> served)
    {
        foreach (var (waiter, buffer) in served)
        {
            waiter.Cancellation.Unregister();
            if (!waiter.TrySetResult(buffer))
            {
                Return(buffer);
            }
        }
    }

    private void Cancel(Waiter waiter)
    {
        List<(Waiter, byte[])> served;
        lock (_lock)
        {
            if (waiter.Node is null)
            {
                // Already served: the buffer is on its way to the renter.
                return;
            }

            _waiting.Remove(waiter.Node);
            waiter.Node = null;

            // The head may have been the one that did not fit.
            served = ServeWaiting();
        }

        waiter.TrySetCanceled();
        Complete(served);
    }

    private sealed class Waiter(ReadBufferPool pool, int size) : TaskCompletionSource<byte[]>(TaskCreationOptions.RunContinuationsAsynchronously)
    {
        public int Size { get; } = size;

        public LinkedListNode<Waiter>? Node { get; set; }

        public CancellationTokenRegistration Cancellation { get; set; }

        public void Cancel() => pool.Cancel(this);
    }
}
