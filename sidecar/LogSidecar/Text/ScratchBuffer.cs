namespace LogSidecar.Text;

/// <summary>A reusable byte array that grows to the largest size asked of it (bounded by the record limits).</summary>
internal sealed class ScratchBuffer(int initialSize)
{
    private byte[] _bytes = new byte[initialSize];

    public byte[] Get(int size)
    {
        if (_bytes.Length < size)
        {
            _bytes = new byte[Math.Max(size, _bytes.Length * 2)];
        }

        return _bytes;
    }
}
