using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace LogSidecar.Manifests.Tests.Infrastructure;

/// <summary>
/// A real Prometheus server (the Debian package's binary) on 127.0.0.1, with its own configuration,
/// rule file and data directory, and its HTTP API. Killed on dispose.
/// </summary>
public sealed class PrometheusServer : IAsyncDisposable
{
    private static readonly TimeSpan StartLimit = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(500);

    private readonly Process _process;
    private readonly HttpClient _http;

    // Guards _log: the process's output arrives on its reader threads while a failing test reads it.
    private readonly Lock _logLock = new();
    private readonly StringBuilder _log = new();

    private PrometheusServer(Process process, Uri address)
    {
        _process = process;
        _http = new HttpClient { BaseAddress = address };
    }

    /// <summary>What the server wrote on stderr, for failure messages.</summary>
    public string Log
    {
        get
        {
            lock (_logLock)
            {
                return _log.Length > 6000 ? _log.ToString(_log.Length - 6000, 6000) : _log.ToString();
            }
        }
    }

    /// <summary>
    /// Writes <paramref name="configuration"/> and <paramref name="rules"/> (JSON, which is YAML) into
    /// <paramref name="directory"/>, points the configuration's <c>rule_files</c> at the rules and starts the server.
    /// </summary>
    public static async Task<PrometheusServer> StartAsync(string directory, JsonObject configuration, JsonObject rules, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(directory);
        var rulesFile = Path.Combine(directory, "rules.yml");
        await File.WriteAllTextAsync(rulesFile, rules.ToJsonString(), cancellationToken);
        configuration["rule_files"] = new JsonArray(rulesFile);
        var configFile = Path.Combine(directory, "prometheus.yml");
        await File.WriteAllTextAsync(configFile, configuration.ToJsonString(), cancellationToken);

        var address = new Uri($"http://127.0.0.1:{LoopbackPort.Free()}/");
        var start = new ProcessStartInfo("prometheus")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = directory,
        };
        foreach (var arg in new[] { $"--config.file={configFile}", $"--storage.tsdb.path={Path.Combine(directory, "data")}", $"--web.listen-address={address.Authority}" })
        {
            start.ArgumentList.Add(arg);
        }

        var process = new Process { StartInfo = start };
        var server = new PrometheusServer(process, address);
        process.ErrorDataReceived += (_, e) => server.Append(e.Data);
        process.OutputDataReceived += (_, e) => server.Append(e.Data);
        process.Start();
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        try
        {
            await server.WaitAsync(
                async () =>
                {
                    using var ready = await server._http.GetAsync(new Uri("-/ready", UriKind.Relative), cancellationToken);
                    return (ready.StatusCode == HttpStatusCode.OK, ready.StatusCode.ToString());
                },
                "Prometheus to be ready",
                StartLimit,
                cancellationToken);
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }

        return server;
    }

    /// <summary>An instant query; fails the test with Prometheus's error when the query does not evaluate.</summary>
    public async Task<JsonArray> QueryAsync(string query, CancellationToken cancellationToken)
    {
        var (error, result) = await TryQueryAsync(query, cancellationToken);
        Assert.True(error is null, $"Prometheus could not evaluate {query}: {error}");
        return result!;
    }

    /// <summary>An instant query: its result vector, or Prometheus's error (a query that does not parse, for one).</summary>
    public async Task<(string? Error, JsonArray? Result)> TryQueryAsync(string query, CancellationToken cancellationToken)
    {
        var answer = await GetAsync($"api/v1/query?query={Uri.EscapeDataString(query)}", cancellationToken);
        return (string?)answer["status"] == "success"
            ? (null, answer["data"]!["result"]!.AsArray())
            : ($"{(string?)answer["errorType"]}: {(string?)answer["error"]}", null);
    }

    /// <summary>The values a label takes in the series <paramref name="match"/> selects.</summary>
    public async Task<JsonArray> LabelValuesAsync(string label, string match, CancellationToken cancellationToken) =>
        (await GetAsync($"api/v1/label/{Uri.EscapeDataString(label)}/values?match[]={Uri.EscapeDataString(match)}", cancellationToken))["data"]!.AsArray();

    /// <summary>The alerts that are pending or firing now.</summary>
    public async Task<JsonArray> AlertsAsync(CancellationToken cancellationToken) =>
        (await GetAsync("api/v1/alerts", cancellationToken))["data"]!["alerts"]!.AsArray();

    /// <summary>Each scrape target's job, health and last scrape error, one per line: why an alert reads no series.</summary>
    public async Task<string> TargetHealthAsync(CancellationToken cancellationToken) =>
        string.Join('\n', (await GetAsync("api/v1/targets", cancellationToken))["data"]!["activeTargets"]!.AsArray()
            .Select(target => $"{(string?)target!["labels"]!["job"]}: {(string?)target["health"]} {(string?)target["lastError"]} (last scrape took {(double?)target["lastScrapeDuration"]} s)"));

    /// <summary>The loaded rule groups with each rule's health and last evaluation error.</summary>
    public async Task<JsonArray> RuleGroupsAsync(CancellationToken cancellationToken) =>
        (await GetAsync("api/v1/rules", cancellationToken))["data"]!["groups"]!.AsArray();

    /// <summary>Polls <paramref name="probe"/> until it says done; the limit only bounds a failing test.</summary>
    public Task<T> WaitAsync<T>(Func<Task<(bool Done, T Value)>> probe, string what, TimeSpan limit, CancellationToken cancellationToken) =>
        Eventually.WaitAsync(
            async () =>
            {
                Assert.False(_process.HasExited, $"Prometheus exited while waiting for {what}:\n{Log}");
                try
                {
                    return await probe();
                }
                catch (HttpRequestException)
                {
                    // Not listening yet.
                    return (false, default(T)!);
                }
            },
            what,
            limit,
            cancellationToken,
            PollInterval);

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync(CancellationToken.None);
        _process.Dispose();
    }

    private async Task<JsonObject> GetAsync(string path, CancellationToken cancellationToken)
    {
        using var response = await _http.GetAsync(new Uri(path, UriKind.Relative), cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        return JsonNode.Parse(text)!.AsObject();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_logLock)
        {
            _log.AppendLine(line);
        }
    }
}
