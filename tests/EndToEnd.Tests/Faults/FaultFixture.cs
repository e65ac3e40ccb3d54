using System.Net;
using System.Text.Json;

namespace ExApps.EndToEnd.Tests.Faults;

/// <summary>A platform whose broker and PostgreSQL server are its own (containers the tests stop and start), with
/// a fleet of test ExApps for many manual installs at once, and quick watching of enabled apps.</summary>
public sealed class FaultFixture : PlatformFixture
{
    private static readonly (string Name, int Port) Own = Named("ft", 18680);
    protected override string Name => Own.Name;
    protected override int BasePort => Own.Port;
    protected override bool OwnDatabaseServer => true;
    protected override IDictionary<string, string> LifecycleSettings => new Dictionary<string, string>
    {
        ["Lifecycle__WatchInterval"] = "00:00:02",
        ["Lifecycle__InstanceTimeout"] = "00:00:03",
    };

    /// <summary>How long the gateway holds an admin request for a registry that refuses connections: long enough
    /// for a restart on a busy machine, short enough for a test that waits it out.</summary>
    public static readonly TimeSpan AdminRegistryWait = TimeSpan.FromSeconds(10);
    protected override IReadOnlyDictionary<string, string> ServiceSettings => new Dictionary<string, string>
    {
        ["Gateway__AdminRegistryWait"] = AdminRegistryWait.ToString(),
    };

    public const string FleetDaemon = "ft_fleet";

    public async Task EnsureFleetDaemonAsync() =>
        await Cli("daemon:register", FleetDaemon, "Fault fleet", "manual-install", "http", "127.0.0.1", GatewayUrl);

    /// <summary>Registers every app of <paramref name="fleet"/> at once; the answers' status codes.</summary>
    public async Task<HttpStatusCode[]> RegisterAllAsync(Fleet fleet) =>
        (await Task.WhenAll(fleet.Ports.Select(p => AdminAsync(HttpMethod.Post, "/admin/apps",
            new { appid = fleet.AppId(p), daemon = FleetDaemon, json_info = fleet.JsonInfo(p) })))).Select(a => a.Status).ToArray();

    /// <summary>What became of every app of the fleet: enabled, failed (with its error) or stuck (still running
    /// after the bound).</summary>
    public async Task<Tally> TallyAsync(Fleet fleet, TimeSpan bound)
    {
        var ids = fleet.Ports.Select(fleet.AppId).ToHashSet();
        Dictionary<string, JsonElement> apps;
        try
        {
            apps = await WaitForAppsAsync(ids, a => a.GetProperty("operation").ValueKind == JsonValueKind.Null
                && a.GetProperty("last_operation").ValueKind == JsonValueKind.Object, bound);
        }
        catch (TimeoutException)
        {
            apps = (await AdminAsync(HttpMethod.Get, "/admin/apps", null)).Json.EnumerateArray()
                .Where(a => ids.Contains(a.GetProperty("appid").GetString()!)).ToDictionary(a => a.GetProperty("appid").GetString()!, a => a.Clone());
        }
        var enabled = apps.Values.Count(a => a.GetProperty("operation").ValueKind == JsonValueKind.Null && a.GetProperty("enabled").GetBoolean()
            && a.GetProperty("last_operation").GetProperty("outcome").GetString() == "enabled");
        var failed = apps.Values.Where(a => a.GetProperty("operation").ValueKind == JsonValueKind.Null && !a.GetProperty("enabled").GetBoolean())
            .Select(a => a.GetProperty("status").GetProperty("error").GetString()!).ToList();
        var stuck = apps.Values.Where(a => a.GetProperty("operation").ValueKind != JsonValueKind.Null).Select(a => a.ToString()).ToList();
        return new Tally(enabled, failed, stuck, ids.Count - apps.Count);
    }

    public async Task RemoveAllAsync(Fleet fleet) =>
        await Task.WhenAll(fleet.Ports.Select(p => AdminAsync(HttpMethod.Delete, $"/admin/apps/{fleet.AppId(p)}?force=true", null)));
}

/// <summary>How a batch of operations ended.</summary>
public sealed record Tally(int Enabled, IReadOnlyList<string> Failed, IReadOnlyList<string> Stuck, int Missing)
{
    public override string ToString() =>
        $"enabled {Enabled}, failed {Failed.Count} ({string.Join("; ", Failed.Distinct().Take(3))}), stuck {Stuck.Count} " +
        $"({string.Join("\n", Stuck.Take(2))}), missing {Missing}";
}

[CollectionDefinition(Name)]
public sealed class FaultCollection : ICollectionFixture<FaultFixture>
{
    public const string Name = "faults";
}
