using System.Text.Json.Nodes;
using LogSidecar.Manifests.Tests.Infrastructure;

namespace LogSidecar.Manifests.Tests.Monitoring;

/// <summary>The Grafana dashboard imports anywhere: the data source is a variable, and every panel is complete.</summary>
public sealed class DashboardTests
{
    private const string DataSource = "${datasource}";

    [Fact]
    public void EveryPanelAndVariableReadsTheDataSourceChosenInTheDatasourceVariable()
    {
        var dashboard = MonitoringManifests.Dashboard();
        var variables = dashboard["templating"]!["list"]!.AsArray().OfType<JsonObject>().ToList();

        var source = Assert.Single(variables, variable => (string?)variable["type"] == "datasource");
        Assert.Equal("datasource", (string?)source["name"]);
        Assert.Equal("prometheus", (string?)source["query"]);
        Assert.All(variables.Where(variable => (string?)variable["type"] == "query"), variable => Assert.Equal(DataSource, (string?)variable["datasource"]?["uid"]));
        Assert.All(MonitoringManifests.Panels(dashboard), panel =>
        {
            Assert.Equal(DataSource, (string?)panel["datasource"]?["uid"]);
            Assert.All(panel["targets"]!.AsArray(), target => Assert.Equal(DataSource, (string?)target!["datasource"]?["uid"]));
        });

        // No data source of the machine it was made on: the only uids are the dashboard's own and the variable.
        var uids = Descendants(dashboard).OfType<JsonObject>().Where(node => node["uid"] is not null).Select(node => (string?)node["uid"]).ToHashSet();
        Assert.Equal([DataSource, "logsidecar"], uids.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void PanelsHaveUniqueIdsFitTheGridAndSayWhatTheyShow()
    {
        var dashboard = MonitoringManifests.Dashboard();
        var all = dashboard["panels"]!.AsArray().OfType<JsonObject>().ToList();

        Assert.False(string.IsNullOrEmpty((string?)dashboard["title"]));
        Assert.Equal(all.Count, all.Select(panel => (int)panel["id"]!).Distinct().Count());
        Assert.All(all, panel =>
        {
            var grid = panel["gridPos"]!;
            Assert.InRange((int)grid["x"]! + (int)grid["w"]!, 1, 24);
        });
        Assert.All(MonitoringManifests.Panels(dashboard), panel =>
        {
            var title = (string?)panel["title"];
            Assert.False(string.IsNullOrWhiteSpace((string?)panel["description"]), $"panel {title} has no description");
            var targets = panel["targets"]!.AsArray();
            Assert.NotEmpty(targets);
            Assert.Equal(targets.Count, targets.Select(target => (string?)target!["refId"]).Distinct().Count());
            Assert.All(targets, target => Assert.False(string.IsNullOrWhiteSpace((string?)target!["expr"]), $"panel {title} has a target without a query"));
        });
    }

    private static IEnumerable<JsonNode> Descendants(JsonNode node) => node switch
    {
        JsonObject map => new[] { node }.Concat(map.Select(pair => pair.Value).OfType<JsonNode>().SelectMany(Descendants)),
        JsonArray list => list.OfType<JsonNode>().SelectMany(Descendants),
        _ => [],
    };
}
