namespace LogSidecar.Injector.Controller;

/// <summary>What the controller makes of an opted-in pod.</summary>
internal enum PodState
{
    /// <summary>Injected with what the injector would inject now, or rightly without the sidecar (opted out, finished, Windows).</summary>
    Fine,

    /// <summary>Should have the sidecar and has not: created while the webhook did not answer (it fails open).</summary>
    Missing,

    /// <summary>Injected by another injector version, or its sidecar would render differently now.</summary>
    Drifted,
}
