using System.Net;
using System.Text.Json;

namespace ExApps.EndToEnd.Tests;

/// <summary>What an operator scrapes and probes on each of the four services: Prometheus metrics with the
/// platform's own instruments, liveness and readiness.</summary>
[Collection(GatewayCollection.Name)]
public sealed class ObservabilityTests(GatewayFixture gw)
{
    private IEnumerable<(string Service, string Url)> Services() =>
    [
        ("gateway", gw.GatewayUrl), ("registry", Port(1)), ("lifecycle", Port(2)), ("deployer", Port(3)),
    ];

    private string Port(int offset) => $"http://127.0.0.1:{new Uri(gw.GatewayUrl).Port + offset}";

    [Fact]
    public async Task Every_service_exposes_prometheus_metrics_and_the_depth_of_its_durable_queues()
    {
        foreach (var (service, url) in Services())
        {
            // The gauge has values once the first poll after the bus started has run. The gateway's only queue is
            // exclusive to its bus connection (one per process, deleted with it), which no other connection can
            // read: it reports none.
            var metrics = await EventuallyAsync(() => gw.Http.GetStringAsync($"{url}/metrics"),
                text => service == "gateway" || text.Contains("exapps_queue_depth{"), $"{service} reports queue depth");

            Assert.Contains("# TYPE http_server_request_duration_seconds histogram", metrics);
            // ASP.NET Core's own bucket boundaries (its advice) survive the series limit's view (TelemetryExtensions).
            Assert.Matches("http_server_request_duration_seconds_bucket{[^}]*le=\"0.005\"}", metrics);
            if (service == "gateway") continue;
            Assert.Contains("# TYPE exapps_queue_depth gauge", metrics);
            Assert.Matches("exapps_queue_depth{[^}]*queue=\"[a-z-]+\"} [0-9]+", metrics);
        }
    }

    [Fact]
    public async Task Proxied_requests_are_counted_and_timed_per_app()
    {
        using var proxied = await gw.Http.GetAsync($"{gw.Url}/index.php/apps/app_api/proxy/{gw.AppId}/public");
        Assert.Equal(HttpStatusCode.OK, proxied.StatusCode);

        // The exporter may answer a scrape from its short response cache: wait for one made after the request.
        var metrics = await EventuallyAsync(() => gw.Http.GetStringAsync($"{gw.Url}/metrics"),
            text => text.Contains($"app_id=\"{gw.AppId}\""), "the proxied request is in a scrape");

        Assert.Matches($"exapps_proxy_requests_total{{[^}}]*app_id=\"{gw.AppId}\"[^}}]*status_class=\"2xx\"", metrics);
        Assert.Matches($"exapps_proxy_duration_seconds_bucket{{[^}}]*app_id=\"{gw.AppId}\"", metrics);
    }

    [Fact]
    public async Task Unknown_apps_create_no_proxy_metric_series()
    {
        var unknown = gw.AppPrefix + "nosuchapp";
        using var proxied = await gw.Http.GetAsync($"{gw.Url}/index.php/apps/app_api/proxy/{unknown}/public");
        Assert.Equal(HttpStatusCode.NotFound, proxied.StatusCode);

        Assert.DoesNotContain($"app_id=\"{unknown}\"", await gw.Http.GetStringAsync($"{gw.Url}/metrics"));
    }

    [Fact]
    public async Task Every_service_is_alive_and_ready_with_its_dependencies_named()
    {
        foreach (var (service, url) in Services())
        {
            using var alive = await gw.Http.GetAsync($"{url}/alive");
            using var ready = await gw.Http.GetAsync($"{url}/health");
            var report = JsonDocument.Parse(await ready.Content.ReadAsStringAsync()).RootElement;

            Assert.Equal(HttpStatusCode.OK, alive.StatusCode);
            Assert.True(ready.StatusCode == HttpStatusCode.OK, $"{service}: {report}");
            Assert.Equal("Healthy", report.GetProperty("checks").GetProperty("rabbitmq").GetProperty("status").GetString());
            // The gateway keeps no database; the other three do, and their readiness checks it.
            Assert.Equal(service != "gateway", report.GetProperty("checks").TryGetProperty("postgres", out _));
        }
    }

    [Fact]
    public async Task One_install_is_one_trace_across_the_four_services()
    {
        // A Docker install (a manual one needs no deployer): the admin request at the gateway, the registry, the
        // lifecycle's steps and the deployer's container work, with every service exporting its spans to the
        // fixture's receiver.
        var daemon = "obs_docker";
        var appId = gw.AppPrefix + "traced";
        var d = await gw.Cli("daemon:register", daemon, "Traced Docker", "docker-install", "http", TestSettings.DockerSocket,
            gw.GatewayUrl, "--net", "host");
        Assert.True(d.ExitCode == 0, d.ToString());
        try
        {
            var reg = await gw.Cli("app:register", appId, daemon, "--info-xml", TestApps.InfoXmlFor(appId), "--wait-finish");
            Assert.True(reg.ExitCode == 0, reg + "\n" + gw.Logs());

            string[] services = ["ExApps.Gateway", "ExApps.Registry", "ExApps.Deployer", "ExApps.Lifecycle"];
            var trace = await EventuallyAsync(() => Task.FromResult(
                    gw.Otlp.Spans.GroupBy(s => s.TraceId)
                        .FirstOrDefault(t => services.All(name => t.Any(s => s.Service == name))
                                             && t.Any(s => s.Service == "ExApps.Deployer" && s.Name.Contains("deploy-requested")))?.Key ?? ""),
                id => id.Length > 0, "a trace with spans of all four services and the deploy", () => string.Join("\n",
                    gw.Otlp.Spans.GroupBy(s => s.TraceId).OrderByDescending(t => t.Select(s => s.Service).Distinct().Count())
                        .ThenByDescending(t => t.Any(s => s.Service == "ExApps.Deployer")).Take(6)
                        .Select(t => $"{t.Key}: {string.Join(", ", t.Select(s => $"{s.Service}/{s.Name}").Distinct().Take(40))}")));

            var spans = gw.Otlp.Spans.Where(s => s.TraceId == trace).ToList();
            Assert.Matches("^[0-9a-f]{32}$", trace);
            var names = string.Join("\n", spans.Select(s => $"{s.Service}: {s.Name}"));
            Assert.True(spans.Any(s => s.Service == "ExApps.Gateway" && s.Name.StartsWith("POST")), names);
            Assert.True(spans.Any(s => s.Service == "ExApps.Registry" && s.Name.Contains("InstallApp send")), names);
            Assert.True(spans.Any(s => s.Service == "ExApps.Lifecycle" && s.Name.Contains("DeployRequested send")), names);
            Assert.True(spans.Any(s => s.Service == "ExApps.Deployer" && s.Name.Contains("ContainerStarted send")), names);
            Assert.True(spans.Any(s => s.Service == "ExApps.Registry" && s.Name.Contains("registry-status-projection")), names);
        }
        finally
        {
            await gw.Cli("app:unregister", appId, "--force", "--rm-data");
            await gw.Cli("daemon:unregister", daemon);
        }
    }

    private static async Task<string> EventuallyAsync(Func<Task<string>> read, Func<string, bool> done, string what,
        Func<string>? explain = null)
    {
        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(60)); // hang guard only
        while (true)
        {
            var text = await read();
            if (done(text)) return text;
            if (guard.IsCancellationRequested) throw new TimeoutException($"Never: {what}\n{text}\n{explain?.Invoke()}");
            await Task.Delay(500);
        }
    }
}
