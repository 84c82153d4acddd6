namespace LogSidecar.Tests.Sinks.Receivers;

/// <summary>How the bulk receiver answers one item instead of storing it.</summary>
internal sealed record BulkItemFault(int Status, string Type, string Reason);
