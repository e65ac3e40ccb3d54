using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using ExApps.Bench;

// loadgen installs REPLICAS COUNT   concurrent manual installs of a fleet of test ExApps (memory idle and after);
//                                   with BENCH_REPLICA_CPU=CORES each lifecycle and deployer replica is held to CORES
// loadgen latency COUNT             one install at a time: register -> enabled vs the ExApp's own round trips
// loadgen ws URL SECONDS CONNS [HEADER=VALUE ...]   WebSocket echo round trips (bench/run.sh)
// loadgen flood                     the delay a 10 s status-report flood of one app adds to other installs
// loadgen docker COUNT              concurrent installs of the test ExApp's image on the local dockerd, then their removal
var root = Environment.GetEnvironmentVariable("EXAPPS_ROOT") ?? Directory.GetCurrentDirectory();
// How long the installs run waits after the last install ended before it reads memory a second time.
var settleTime = TimeSpan.FromSeconds(15);
var mode = args.ElementAtOrDefault(0) ?? "installs";
if (mode == "ws")
{
    // No platform of its own: measures a WebSocket echo route bench/run.sh names (gateway, HAProxy or direct).
    var headers = args.Skip(4).Select(a => a.Split('=', 2)).ToDictionary(kv => kv[0], kv => kv[1]);
    Console.WriteLine(JsonSerializer.Serialize(await WsEcho.RunAsync(new Uri(args[1]), TimeSpan.FromSeconds(double.Parse(args[2])),
        int.Parse(args[3]), headers)));
    return 0;
}
await using var platform = new Platform(root);
var admin = new HttpClient { Timeout = TimeSpan.FromMinutes(5) };
admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Platform.Token);
var watch = new AppWatch(platform.GatewayUrl, Platform.Token);

if (mode == "installs")
{
    var replicas = int.Parse(args[1]);
    var count = int.Parse(args[2]);
    await platform.StartAsync(replicas);
    await using var fleet = await Fleet.StartAsync(root, 25000, count, "b", platform.GatewayUrl);
    await RegisterDaemonAsync();
    var stream = watch.StartAsync();
    // Idle: started, connected, nothing installed; a few seconds for start-up work to finish.
    await Task.Delay(TimeSpan.FromSeconds(10));
    var idle = platform.Memory().ToList();
    // BENCH_WARMUP=W: W installs and their removal before the measured ones, so that each process has compiled the
    // code of an install (what ready-to-run images cannot hold is compiled on first use, in every replica).
    var warmup = int.TryParse(Environment.GetEnvironmentVariable("BENCH_WARMUP"), out var w) ? Math.Min(w, count) : 0;
    if (warmup > 0)
    {
        var ids = fleet.Ports.Take(warmup).Select(fleet.AppId).ToHashSet();
        await Task.WhenAll(fleet.Ports.Take(warmup).Select(async port =>
            (await admin.PostAsJsonAsync($"{platform.GatewayUrl}/admin/apps", new
            {
                appid = fleet.AppId(port), daemon = "bench_fleet", json_info = fleet.JsonInfo(port),
            })).EnsureSuccessStatusCode().Dispose()));
        await watch.WaitEndedAsync(ids, TimeSpan.FromMinutes(5));
        await Task.WhenAll(ids.Select(async id => (await admin.DeleteAsync($"{platform.GatewayUrl}/admin/apps/{id}")).EnsureSuccessStatusCode().Dispose()));
        await Task.Delay(TimeSpan.FromSeconds(2));
        watch.Forget(ids);
    }

    var posted = new ConcurrentDictionary<string, DateTimeOffset>();
    // Where the limit is: CPU of each process and of the machine, and PostgreSQL commits, over the installs.
    var cpu0 = platform.CpuSeconds();
    var machine0 = Platform.MachineCpu();
    var commits0 = await Platform.CommitsAsync();
    var clock = Stopwatch.StartNew();
    var start = DateTimeOffset.UtcNow;
    using var gate = new SemaphoreSlim(64); // at most this many requests open at once, as a busy admin tool would
    var answers = await Task.WhenAll(fleet.Ports.Select(async port =>
    {
        await gate.WaitAsync();
        try
        {
            posted[fleet.AppId(port)] = DateTimeOffset.UtcNow;
            using var r = await admin.PostAsJsonAsync($"{platform.GatewayUrl}/admin/apps", new
            {
                appid = fleet.AppId(port), daemon = "bench_fleet", json_info = fleet.JsonInfo(port),
            });
            return (int)r.StatusCode;
        }
        finally { gate.Release(); }
    }));
    var ended = await watch.WaitEndedAsync(posted.Keys.ToHashSet(), TimeSpan.FromMinutes(5));
    var total = clock.Elapsed;
    var cpu1 = platform.CpuSeconds();
    var machine1 = Platform.MachineCpu();
    var commits = await Platform.CommitsAsync() - commits0;
    var latencies = ended.Where(e => posted.ContainsKey(e.Key)).Select(e => (e.Value.At - posted[e.Key]).TotalMilliseconds).Order().ToList();
    var failed = ended.Count(e => e.Value.Outcome != "enabled");
    var stuck = count - ended.Count;
    var memory = platform.Memory().ToList();
    // BENCH_HOLD_S: keep the loaded platform this many seconds (its pids are on stderr) to inspect its memory.
    if (int.TryParse(Environment.GetEnvironmentVariable("BENCH_HOLD_S"), out var hold))
    {
        await Console.Error.WriteLineAsync($"holding {hold} s: {string.Join(' ', platform.Pids().Select(p => $"{p.Name}={p.Pid}"))}");
        await Task.Delay(TimeSpan.FromSeconds(hold));
    }

    // And once the platform settled: idle pooled connections closed, the heap collected.
    await Task.Delay(settleTime);
    var settled = platform.Memory().ToList();

    clock.Restart();
    await Task.WhenAll(posted.Keys.Select(async id => (await admin.DeleteAsync($"{platform.GatewayUrl}/admin/apps/{id}")).Dispose()));
    var unregister = clock.Elapsed;
    Console.WriteLine(JsonSerializer.Serialize(new
    {
        replicas, replica_cpu = CpuCap.ReplicaCores, warmup, count, accepted = answers.Count(a => a == 202), refused = answers.Count(a => a != 202),
        total_s = Math.Round(total.TotalSeconds, 2), p50_ms = Pct(latencies, 50), p99_ms = Pct(latencies, 99),
        failed, stuck, unregister_all_s = Math.Round(unregister.TotalSeconds, 2),
        machine_cpu_busy = Math.Round((double)(machine1.Busy - machine0.Busy) / (machine1.Total - machine0.Total), 2),
        cpu_s = cpu1.Where(kv => cpu0.ContainsKey(kv.Key)).ToDictionary(kv => kv.Key, kv => Math.Round(kv.Value - cpu0[kv.Key], 1)),
        pg_commits = commits, pg_commits_per_s = Math.Round(commits / total.TotalSeconds),
        rss_idle_mib = idle.ToDictionary(m => m.Name, m => m.MiB),
        rss_mib = memory.ToDictionary(m => m.Name, m => m.MiB),
        rss_settled_mib = settled.ToDictionary(m => m.Name, m => m.MiB),
    }));
    return 0;
}

if (mode == "latency")
{
    var count = int.Parse(args.ElementAtOrDefault(1) ?? "10");
    await platform.StartAsync(1);
    await using var fleet = await Fleet.StartAsync(root, 25000, count + 1, "l", platform.GatewayUrl);
    await RegisterDaemonAsync();
    _ = watch.StartAsync();
    Console.WriteLine(JsonSerializer.Serialize(await Latency.RunAsync(fleet, watch, count, platform.GatewayUrl,
        (id, info) => InstallAsync(id, info, waitEnd: true))));
    return 0;
}

if (mode == "flood")
{
    await platform.StartAsync(1);
    await using var fleet = await Fleet.StartAsync(root, 25000, 40, "f", platform.GatewayUrl);
    await RegisterDaemonAsync();
    var stream = watch.StartAsync();
    // The noisy app: an ExApp of its own whose init never finishes, so that every report it sends counts.
    await using var noisy = await Fleet.StartSingleAsync(root, 25100, "noisy", "hang", platform.GatewayUrl);
    await InstallAsync("noisy", JsonSerializer.SerializeToElement(new { id = "noisy", name = "noisy", version = "1.0.0", secret = Fleet.SecretSeed + "noisy", port = 25100 }), waitEnd: false);
    await Task.Delay(2000);

    var quiet = new List<double>();
    foreach (var port in fleet.Ports.Take(10)) quiet.Add(await InstallAsync(fleet.AppId(port), fleet.JsonInfo(port), waitEnd: true));
    using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
    var flood = Flood("noisy", Fleet.SecretSeed + "noisy", cts.Token);
    var during = new List<double>();
    foreach (var port in fleet.Ports.Skip(10).Take(10))
    {
        if (cts.IsCancellationRequested) break;
        during.Add(await InstallAsync(fleet.AppId(port), fleet.JsonInfo(port), waitEnd: true));
    }
    var (sent, ok, limited) = await flood;
    Console.WriteLine(JsonSerializer.Serialize(new
    {
        flood_requests = sent, flood_200 = ok, flood_429 = limited,
        install_ms_quiet_median = Pct(quiet.Order().ToList(), 50), install_ms_during_flood_median = Pct(during.Order().ToList(), 50),
        installs_during_flood = during.Count, added_ms = Math.Round(Pct(during.Order().ToList(), 50) - Pct(quiet.Order().ToList(), 50), 1),
    }));
    return 0;
}

if (mode == "docker")
{
    // COUNT concurrent Docker installs of the test ExApp (its image built by scripts/build-test-image.sh into the
    // local registry), each a container on the host network, then their removal with their volumes: the time, how
    // each ended, how many heartbeat tries the containers needed, and where the machine's CPU went.
    var count = int.Parse(args[1]);
    await platform.StartAsync(1);
    using (var r = await admin.PostAsJsonAsync($"{platform.GatewayUrl}/admin/daemons", new Dictionary<string, object>
           {
               ["name"] = "bench_docker", ["display_name"] = "Bench Docker", ["accepts_deploy_id"] = "docker-install",
               ["protocol"] = "http", ["host"] = "/var/run/docker.sock", ["nextcloud_url"] = platform.GatewayUrl,
           }))
        r.EnsureSuccessStatusCode();
    var stream = watch.StartAsync();
    await Task.Delay(TimeSpan.FromSeconds(2));
    var xml = await File.ReadAllTextAsync(Path.Combine(root, "tests", "fixtures", "test-exapp.xml"));
    var ids = Enumerable.Range(0, count).Select(i => $"bd{i:000}").ToList();
    var cpu0 = platform.CpuSeconds();
    var machine0 = Platform.MachineCpu();
    var containers0 = Platform.ContainerCpuSeconds();
    var clock = Stopwatch.StartNew();
    var posted = DateTimeOffset.UtcNow;
    using var gate = new SemaphoreSlim(64);
    var answers = await Task.WhenAll(ids.Select(async id =>
    {
        await gate.WaitAsync();
        try
        {
            using var r = await admin.PostAsJsonAsync($"{platform.GatewayUrl}/admin/apps", new
            {
                appid = id, daemon = "bench_docker", info_xml = xml.Replace("<id>test-exapp</id>", $"<id>{id}</id>"),
            });
            return (int)r.StatusCode;
        }
        finally { gate.Release(); }
    }));
    var ended = await watch.WaitEndedAsync(ids.ToHashSet(), TimeSpan.FromMinutes(30));
    var total = clock.Elapsed;
    var cpu1 = platform.CpuSeconds();
    var machine1 = Platform.MachineCpu();
    var containers1 = Platform.ContainerCpuSeconds();
    var latencies = ended.Values.Select(e => (e.At - posted).TotalMilliseconds).Order().ToList();
    // How long the containers took to answer: the heartbeat tries each install needed (its status object).
    var tries = new List<double>();
    foreach (var id in ended.Keys)
    {
        var app = await admin.GetFromJsonAsync<JsonElement>($"{platform.GatewayUrl}/admin/apps/{id}");
        if (app.GetProperty("status").TryGetProperty("heartbeat_count", out var h)) tries.Add(h.GetInt32());
    }
    tries.Sort();

    clock.Restart();
    var deletes = await Task.WhenAll(ids.Select(async id =>
    {
        using var r = await admin.DeleteAsync($"{platform.GatewayUrl}/admin/apps/{id}?rm_data=true&force=true");
        return (int)r.StatusCode;
    }));
    var unregister = clock.Elapsed;
    var left = Platform.ContainersNamed("nc_app_bd");
    Console.WriteLine(JsonSerializer.Serialize(new
    {
        count, accepted = answers.Count(a => a == 202), refused = answers.Count(a => a != 202),
        total_s = Math.Round(total.TotalSeconds, 1), p50_s = Math.Round(Pct(latencies, 50) / 1000, 1),
        p99_s = Math.Round(Pct(latencies, 99) / 1000, 1),
        enabled = ended.Values.Count(e => e.Outcome == "enabled"), failed = ended.Values.Count(e => e.Outcome != "enabled"),
        stuck = count - ended.Count,
        heartbeat_tries = new { p50 = Pct(tries, 50), max = tries.Count == 0 ? double.NaN : tries[^1] },
        machine_cpu_busy = Math.Round((double)(machine1.Busy - machine0.Busy) / (machine1.Total - machine0.Total), 2),
        machine_cpu_s = Math.Round((machine1.Busy - machine0.Busy) / 100.0, 1),
        containers_cpu_s = containers0 is null || containers1 is null ? (double?)null : Math.Round(containers1.Value - containers0.Value, 1),
        cpu_s = cpu1.Where(kv => cpu0.ContainsKey(kv.Key)).ToDictionary(kv => kv.Key, kv => Math.Round(kv.Value - cpu0[kv.Key], 1)),
        unregister_all_s = Math.Round(unregister.TotalSeconds, 1), unregistered = deletes.Count(d => d == 200),
        containers_left = left,
    }));
    return 0;
}

if (mode == "faults")
{
    // loadgen faults FAULT COUNT
    Console.WriteLine(JsonSerializer.Serialize(await Faults.RunAsync(root, args[1], int.Parse(args[2]), admin)));
    return 0;
}

if (mode == "trace")
{
    // One install, step by step as the registry shows it (where the time of an install goes).
    await platform.StartAsync(1);
    await using var fleet = await Fleet.StartAsync(root, 25000, 2, "t", platform.GatewayUrl);
    await RegisterDaemonAsync();
    var stream = watch.StartAsync();
    await Task.Delay(500);
    await InstallAsync(fleet.AppId(25000), fleet.JsonInfo(25000), waitEnd: true); // warms every path up
    await Task.Delay(500);
    watch.Seen.Clear();
    var t0 = DateTimeOffset.UtcNow;
    await InstallAsync(fleet.AppId(25001), fleet.JsonInfo(25001), waitEnd: true);
    foreach (var (at, json) in watch.Seen)
    {
        var app = JsonDocument.Parse(json).RootElement;
        var op = app.GetProperty("current_operation");
        Console.WriteLine($"{(at - t0).TotalMilliseconds,8:0.0} ms  {(op.ValueKind == JsonValueKind.Null ? "-" : op.GetProperty("step").GetString()),-16} " +
                          $"deploy {app.GetProperty("status").GetProperty("deploy")} init {app.GetProperty("status").GetProperty("init")} enabled {app.GetProperty("enabled")}");
    }
    return 0;
}

Console.Error.WriteLine("usage: loadgen installs REPLICAS COUNT | loadgen latency COUNT | loadgen docker COUNT | loadgen ws URL SECONDS CONNS [H=V ...] | loadgen flood | loadgen trace | loadgen faults FAULT COUNT");
return 2;

async Task RegisterDaemonAsync()
{
    using var r = await admin.PostAsJsonAsync($"{platform.GatewayUrl}/admin/daemons", new Dictionary<string, object>
    {
        ["name"] = "bench_fleet", ["display_name"] = "Bench fleet", ["accepts_deploy_id"] = "manual-install",
        ["protocol"] = "http", ["host"] = "127.0.0.1", ["nextcloud_url"] = platform.GatewayUrl,
    });
    r.EnsureSuccessStatusCode();
}

async Task<double> InstallAsync(string appId, JsonElement jsonInfo, bool waitEnd)
{
    var t0 = DateTimeOffset.UtcNow;
    using (var r = await admin.PostAsJsonAsync($"{platform.GatewayUrl}/admin/apps", new { appid = appId, daemon = "bench_fleet", json_info = jsonInfo }))
        r.EnsureSuccessStatusCode();
    if (!waitEnd) return 0;
    var ended = await watch.WaitEndedAsync(new HashSet<string> { appId }, TimeSpan.FromMinutes(2));
    return (ended[appId].At - t0).TotalMilliseconds;
}

async Task<(int Sent, int Ok, int Limited)> Flood(string appId, string secret, CancellationToken ct)
{
    int sent = 0, ok = 0, limited = 0;
    var auth = Convert.ToBase64String(Encoding.UTF8.GetBytes(":" + secret));
    using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 16 });
    await Task.WhenAll(Enumerable.Range(0, 16).Select(async worker =>
    {
        var progress = 1;
        while (!ct.IsCancellationRequested)
        {
            using var request = new HttpRequestMessage(HttpMethod.Put, $"{platform.GatewayUrl}/ocs/v1.php/apps/app_api/ex-app/status?format=json")
            {
                Content = JsonContent.Create(new { progress = 1 + (progress++ % 98) }),
            };
            request.Headers.TryAddWithoutValidation("EX-APP-ID", appId);
            request.Headers.TryAddWithoutValidation("EX-APP-VERSION", "1.0.0");
            request.Headers.TryAddWithoutValidation("AUTHORIZATION-APP-API", auth);
            request.Headers.TryAddWithoutValidation("AA-VERSION", "32.0.0");
            request.Headers.TryAddWithoutValidation("OCS-APIRequest", "true");
            try
            {
                using var r = await http.SendAsync(request, CancellationToken.None);
                var body = await r.Content.ReadAsStringAsync(CancellationToken.None);
                Interlocked.Increment(ref sent);
                if (body.Contains("\"statuscode\":429")) Interlocked.Increment(ref limited);
                else if (r.IsSuccessStatusCode) Interlocked.Increment(ref ok);
            }
            catch (HttpRequestException) { }
        }
    }));
    return (sent, ok, limited);
}

static double Pct(List<double> sorted, int p) =>
    sorted.Count == 0 ? double.NaN : Math.Round(sorted[Math.Clamp((int)Math.Ceiling(p / 100.0 * sorted.Count) - 1, 0, sorted.Count - 1)], 1);
