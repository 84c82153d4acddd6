namespace LogSidecar.Manifests.Tests.Infrastructure;

/// <summary>One query of a dashboard panel, as Grafana sends it (variables not yet substituted).</summary>
public sealed record PanelQuery(string Panel, string RefId, string Expr);
