using LogSidecar.Injector.Text;

namespace LogSidecar.Injector.Annotations;

/// <summary>
/// Collects what the parser found about each key, so every problem is reported at once. Messages name the
/// key where its value was written: the pod's annotation by its key, a namespace's as
/// <c>namespace NAME annotation KEY</c>, so a bad namespace default is fixed where it lives.
/// </summary>
internal sealed class AnnotationFindings(Func<string, string>? where = null)
{
    private readonly Func<string, string> _where = where ?? (key => key);

    public List<string> Denials { get; } = [];

    public List<string> Warnings { get; } = [];

    public List<string> Applied { get; } = [];

    public List<string> Ignored { get; } = [];

    public void Apply(string key) => AddOnce(Applied, key);

    /// <summary>The value is bad or superseded: warn and fall back to the default.</summary>
    public void Ignore(string key, string message)
    {
        AddOnce(Ignored, key);
        Warnings.Add(ValueText.Message($"{_where(key)}: {message}"));
    }

    /// <summary>Worth knowing, though nothing was ignored: a warning only.</summary>
    public void Warn(string key, string message) => Warnings.Add(ValueText.Message($"{_where(key)}: {message}"));

    /// <summary>A warning about a key that is not one of the pod's values (a namespace annotation that is no default), named by <paramref name="where"/>.</summary>
    public void WarnAt(string where, string message) => Warnings.Add(ValueText.Message($"{where}: {message}"));

    /// <summary>The value would make a broken pod: the admission is denied with this message.</summary>
    public void Deny(string key, string message) => Denials.Add(ValueText.Message($"{_where(key)}: {message}"));

    private static void AddOnce(List<string> list, string key)
    {
        if (!list.Contains(key, StringComparer.Ordinal))
        {
            list.Add(key);
        }
    }
}
