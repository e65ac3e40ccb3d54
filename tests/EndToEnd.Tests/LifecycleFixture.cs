using System.Net.Http.Json;
using System.Text.Json;

namespace ExApps.EndToEnd.Tests;

/// <summary>A platform of its own for the lifecycle tests, with short heartbeat and init limits so that the
/// failure paths end within a test: long enough for an ExApp that becomes ready after 5-10 s, short enough to wait
/// for one that never does.</summary>
public sealed class LifecycleFixture : PlatformFixture
{
    public const string DockerDaemon = "lc_docker";
    public const string HeartbeatTimeout = "00:00:30";
    public const string InitTimeout = "00:00:20";

    private static readonly (string Name, int Port) Own = Named("lc", 18380);
    protected override string Name => Own.Name;
    protected override int BasePort => Own.Port;

    protected override IDictionary<string, string> LifecycleSettings => new Dictionary<string, string>
    {
        ["Lifecycle__HeartbeatTimeout"] = HeartbeatTimeout,
        ["Lifecycle__InitTimeout"] = InitTimeout,
        // No regular container check after the first within a test: a crash found before a deadline was found
        // through Docker's events (LifecycleInstallTests).
        ["Lifecycle__ContainerCheckInterval"] = "00:10:00",
    };

    public async Task EnsureDockerDaemonAsync()
    {
        var r = await Cli("daemon:register", DockerDaemon, "LC Docker", "docker-install", "http",
            TestSettings.DockerSocket, GatewayUrl, "--net", "host");
        Assert.True(r.ExitCode == 0, r.ToString());
    }

    /// <summary>Waits until the app's operation ended (finished or failed, as the admin API doc defines them);
    /// the limit only bounds a failing test.</summary>
    public async Task<JsonElement> WaitEndedAsync(string appId)
    {
        var deadline = DateTime.UtcNow.AddMinutes(4);
        while (true)
        {
            var app = await GetAppAsync(appId);
            var status = app.GetProperty("status");
            var finished = app.GetProperty("enabled").GetBoolean() && status.GetProperty("init").GetInt32() == 100
                           && status.GetProperty("action").GetString() == "";
            var busy = app.TryGetProperty("operation", out var op) && op.ValueKind == JsonValueKind.String;
            if ((finished || status.GetProperty("error").GetString() != "") && !busy) return app;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"{appId} did not finish: {app}\n{Logs()}");
            await Task.Delay(250);
        }
    }

    public async Task<JsonElement> WaitUntilAsync(string appId, Func<JsonElement, bool> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddMinutes(4);
        while (true)
        {
            var app = await GetAppAsync(appId);
            if (condition(app)) return app;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"{appId}: {what}: {app}\n{Logs()}");
            await Task.Delay(100);
        }
    }

    public async Task<(int Status, JsonElement Body)> AdminPostAsync(string path, object body)
    {
        using var req = new HttpRequestMessage(HttpMethod.Post, GatewayUrl + path) { Content = JsonContent.Create(body) };
        req.Headers.Authorization = new("Bearer", AdminToken);
        using var res = await Http.SendAsync(req);
        var text = await res.Content.ReadAsStringAsync();
        return ((int)res.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    /// <summary>Starts an install of the test ExApp on the Docker daemon through the admin API (returns at once),
    /// with declared variables set, e.g. TEST_INIT_MODE.</summary>
    public async Task StartInstallAsync(string appId, Dictionary<string, string> env)
    {
        await EnsureDockerDaemonAsync();
        await RemoveAppAsync(appId);
        var (code, body) = await AdminPostAsync("/admin/apps", new Dictionary<string, object>
        {
            ["appid"] = appId,
            ["daemon"] = DockerDaemon,
            ["info_xml"] = File.ReadAllText(TestApps.InfoXmlFor(appId)),
            ["env"] = env,
        });
        Assert.True(code == 202, $"{code} {body}");
    }

    /// <summary>Asserts an operation ended with the app enabled, no error, init 100, and the ExApp told once to
    /// enable with valid AppAPI headers; returns what the ExApp saw (its /test/state).</summary>
    public async Task<JsonElement> AssertEnabledAsync(JsonElement app)
    {
        Assert.True(app.GetProperty("enabled").GetBoolean(), app + "\n" + Logs());
        Assert.Equal("", app.GetProperty("status").GetProperty("error").GetString());
        Assert.Equal(100, app.GetProperty("status").GetProperty("init").GetInt32());
        var state = await TestApps.StateAsync(Http, app.GetProperty("port").GetInt32());
        Assert.Equal([1], state.GetProperty("enabled_calls").EnumerateArray().Select(x => x.GetInt32()));
        Assert.Equal(0, state.GetProperty("header_failures").GetInt32());
        return state;
    }

    /// <summary>Removes the app, its container and its data volume, whatever state the test left it in.</summary>
    public async Task RemoveAppAsync(string appId)
    {
        await Cli("app:unregister", appId, "--silent", "--force", "--rm-data");
        await Docker.RemoveContainerAsync($"nc_app_{appId}");
        await Docker.RemoveVolumeAsync($"nc_app_{appId}_data");
    }
}

[CollectionDefinition(Name)]
public sealed class LifecycleCollection : ICollectionFixture<LifecycleFixture>
{
    public const string Name = "lifecycle";
}
