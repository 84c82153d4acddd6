using System.Runtime.CompilerServices;

namespace LogSidecar.Pipeline;

/// <summary>
/// A value that depends only on a file (its stream's parser, its JSON suffix, its OTLP attributes,
/// its Loki label set), built once per file. Batches bring runs of one file's records, so the last
/// file's value is kept at hand and the table is asked only when the file changes. Weakly keyed: a
/// file the pipeline forgot takes its value with it. One reader (the delivery loop) uses an instance.
/// </summary>
internal sealed class PerFile<T>
{
    private readonly ConditionalWeakTable<TrackedFile, StrongBox<T>> _values = [];
    private readonly ConditionalWeakTable<TrackedFile, StrongBox<T>>.CreateValueCallback _build;
    private TrackedFile? _last;
    private T _lastValue = default!;

    public PerFile(Func<TrackedFile, T> build)
    {
        _build = file => new StrongBox<T>(build(file));
    }

    public T this[TrackedFile file]
    {
        get
        {
            if (!ReferenceEquals(file, _last))
            {
                _lastValue = _values.GetValue(file, _build).Value!;
                _last = file;
            }

            return _lastValue;
        }
    }
}
