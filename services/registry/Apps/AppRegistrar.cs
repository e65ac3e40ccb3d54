using ExApps.ServiceDefaults;
using System.Text.Json;
using System.Text.RegularExpressions;
using ExApps.Contracts;
using ExApps.Registry.Api;
using ExApps.Registry.AppInfo;
using ExApps.Registry.Daemons;
using ExApps.Registry.Persistence;
using ExApps.Registry.Security;
using ExApps.Registry.Status;
using ExApps.Registry.Store;
using Microsoft.Extensions.Options;
using Npgsql;

namespace ExApps.Registry.Apps;

/// <summary>app:register: validates, stores the app with its port and secret, and asks the lifecycle to install it.
/// Without app info in the request, the app store's newest compatible release is verified and installed.</summary>
public sealed partial class AppRegistrar(RegistryDb db, AppInfoLoader loader, StoreReleases store, SecretProtector protector,
    AppOperations operations, IOptions<RegistryOptions> options, TimeProvider clock, ILogger<AppRegistrar> log)
{
    [GeneratedRegex("^[A-Za-z0-9_-]{1,32}$")]
    private static partial Regex AppIdPattern();

    public async Task<IResult> RegisterAsync(RegisterAppRequest req, CancellationToken ct)
    {
        var appId = req.Appid?.Trim() ?? "";
        if (!AppIdPattern().IsMatch(appId))
            return Problems.Invalid(new() { ["appid"] = [$"The app id \"{appId}\" must be 1-32 letters, digits, '_' or '-'."] });
        var mountErrors = Validation.RequestRules.Register(req);
        if (mountErrors.Count > 0) return Problems.Invalid(mountErrors);

        AppInfoModel? info = null;
        try
        {
            if (AppInfoLoader.HasSource(req.InfoXml, req.InfoXmlUrl, req.JsonInfo))
                info = await loader.LoadAsync(appId, req.InfoXml, req.InfoXmlUrl, req.JsonInfo, ct);
        }
        catch (AppInfoException e)
        {
            return InvalidAppInfo(e);
        }

        var daemonName = req.Daemon ?? JsonDaemonName(req.JsonInfo);
        var daemon = daemonName is null
            ? await db.DefaultDaemonAsync(ct)
            : await db.FindDaemonAsync(daemonName, ct);
        if (daemon is null)
            return Problems.Of(404, "daemon_not_found", daemonName is null
                ? "No daemon given and no default daemon is set."
                : $"Daemon config `{daemonName}` not found.");
        if (daemon.AcceptsDeployId is not (AppApiProtocol.DockerInstall or AppApiProtocol.ManualInstall))
            return Problems.Of(422, "daemon_unsupported", $"Daemon `{daemon.Name}` uses unsupported deploy method {daemon.AcceptsDeployId}.");
        if (await db.AppExistsAsync(appId, ct))
            return AlreadyRegistered(appId);

        // From the store after the daemon and id checks, so a refused install downloads no release archive.
        try
        {
            info ??= await store.LoadAsync(await store.NewestAsync(appId, ct), ct);
        }
        catch (StoreException e)
        {
            return e.ToResult();
        }

        var deployOptions = new DeployOptionsDto(req.Env ?? [], req.Mounts ?? []);
        var declared = info.EnvironmentVariables.Select(v => v.Name).ToHashSet();
        var ignoredEnv = deployOptions.Env.Keys.Where(k => !declared.Contains(k)).Order().ToList();
        deployOptions = deployOptions with { Env = deployOptions.Env.Where(kv => declared.Contains(kv.Key)).ToDictionary() };
        var secret = info.Secret ?? SecretGenerator.NewAppSecret();

        var row = new AppRow
        {
            AppId = appId,
            RegistrationId = Guid.NewGuid(),
            Name = info.Name,
            Version = info.Version,
            DaemonName = daemon.Name,
            SecretEnc = protector.Protect(secret),
            Status = AppStatus.NewInstall().ToJson(),
            Info = "",
            Routes = "",
            DeployOptions = JsonSerializer.Serialize(deployOptions),
            CreatedTime = clock.GetUtcNow().ToUnixTimeSeconds(),
        };
        row.SetInfo(info);

        await using var tx = await db.BeginAsync(ct);
        if (await ChoosePortAsync(row, daemon, info.Port, ct) is { } refused) return refused;
        Guid operationId;
        try
        {
            await db.InsertAppAsync(row, ct);
            // Registered and asked for in one transaction: the install is never lost, even if the broker or the
            // lifecycle is down right now (the outbox sends it when they are back).
            operationId = await operations.RequestAsync(row, tx, AppOperations.Install, id => new InstallApp
            {
                OperationId = id,
                RegistrationId = row.RegistrationId,
                App = operations.Spec(row, daemon, info, info.Version),
            }, ct, new AppChanged(appId, 0));
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            return AlreadyRegistered(appId);
        }
        log.LogInformation("ExApp {AppId} {Version} registered on {Daemon} port {Port}; install {OperationId} requested",
            appId, row.Version, daemon.Name, row.Port, operationId);
        return TypedResults.Accepted($"/admin/apps/{appId}",
            new RegisterAppResult(appId, operationId, row.Port, AppStatus.Parse(row.Status), ignoredEnv));
    }

    /// <summary>AppAPI's port rule: the lowest port of the range that no ExApp uses (across all daemons: two
    /// daemons may share a Docker host and its network), unless the app brings its own, which is refused when
    /// another ExApp is already reachable at the same address. Serialized by a transaction-scoped advisory lock,
    /// so concurrent registrations on any replica never pick the same port. Returns an error result, or null.</summary>
    private async Task<IResult?> ChoosePortAsync(AppRow row, DaemonRow daemon, int? fixedPort, CancellationToken ct)
    {
        var o = options.Value;
        await db.LockPortsAsync(ct);
        // (a registration of the same id that committed since the check before the transaction makes this one's
        // insert fail on the primary key, which is answered as already registered)
        if (fixedPort is { } p)
        {
            var url = ExAppUrl.For(daemon, row.AppId, p);
            var sharing = await db.AppsOnPortAsync(p, ct);
            if (sharing.Where(x => ExAppUrl.For(x.Daemon, x.AppId, p) == url).Select(x => x.AppId).FirstOrDefault() is { } other)
                return other == row.AppId ? AlreadyRegistered(other)
                    : Problems.Of(409, "port_in_use", $"Port {p} is already used by ExApp {other} at {url}.");
            row.Port = p;
            return null;
        }
        var used = await db.AppPortsAsync(ct);
        var free = Enumerable.Range(o.PortRangeStart, o.PortRangeEnd - o.PortRangeStart + 1).FirstOrDefault(n => !used.Contains(n));
        if (free == 0)
            return Problems.Of(409, "no_free_port", $"No free port in {o.PortRangeStart}-{o.PortRangeEnd}: every port is used by an ExApp.");
        row.Port = free;
        return null;
    }

    internal static IResult InvalidAppInfo(AppInfoException e) =>
        TypedResults.Problem(detail: e.Message, statusCode: e.Status, title: "Invalid app info",
            extensions: new Dictionary<string, object?> { ["error_code"] = "invalid_app_info", ["field"] = e.Field });

    private static IResult AlreadyRegistered(string appId) =>
        Problems.Of(409, "already_registered", $"ExApp {appId} is already registered.");

    private static string? JsonDaemonName(JsonElement? json) =>
        json is { ValueKind: JsonValueKind.Object } j && j.TryGetProperty("daemon_config_name", out var d)
            && d.ValueKind == JsonValueKind.String && d.GetString() is { Length: > 0 } name ? name : null;
}
