namespace LogSidecar.Manifests.Tests.Infrastructure;

/// <summary>One alerting rule of the shipped PrometheusRule.</summary>
public sealed record AlertRule(string Name, string Expr);
