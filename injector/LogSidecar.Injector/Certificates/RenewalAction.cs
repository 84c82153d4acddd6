namespace LogSidecar.Injector.Certificates;

/// <summary>What a certificate check decided.</summary>
internal enum RenewalAction
{
    /// <summary>The Secret's certificate is usable and not yet due.</summary>
    Keep,

    /// <summary>A new serving certificate from the same CA (the CA stays valid long enough).</summary>
    RenewServing,

    /// <summary>A new CA and a serving certificate from it; old CAs still valid stay in the bundle during the overlap.</summary>
    NewCa,
}
