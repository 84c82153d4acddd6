using System.Runtime.Versioning;

// The sidecar runs in Linux containers; its tests use Linux file modes, signals and setpriv.
[assembly: SupportedOSPlatform("linux")]
