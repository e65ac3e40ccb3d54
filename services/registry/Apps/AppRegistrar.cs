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
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;

namespace ExApps.Registry.Apps;

/// <summary>app:register: validates, stores the app with its port and secret, and publishes DeployRequested.</summary>
public sealed partial class AppRegistrar(RegistryDb db, AppInfoLoader loader, SecretProtector protector,
    AppOperations operations, IPublishEndpoint publish, IOptions<RegistryOptions> options, TimeProvider clock, ILogger<AppRegistrar> log)
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

        AppInfoModel info;
        try
        {
            info = await loader.LoadAsync(appId, req.InfoXml, req.InfoXmlUrl, req.JsonInfo, ct);
        }
        catch (AppInfoException e)
        {
            return InvalidAppInfo(e);
        }

        var daemonName = req.Daemon ?? JsonDaemonName(req.JsonInfo);
        var daemon = daemonName is null
            ? await db.Daemons.FirstOrDefaultAsync(d => d.IsDefault, ct)
            : await db.Daemons.FindAsync([daemonName], ct);
        if (daemon is null)
            return Problems.Of(404, "daemon_not_found", daemonName is null
                ? "No daemon given and no default daemon is set."
                : $"Daemon config `{daemonName}` not found.");
        if (daemon.AcceptsDeployId is not (AppApiProtocol.DockerInstall or AppApiProtocol.ManualInstall))
            return Problems.Of(422, "daemon_unsupported", $"Daemon `{daemon.Name}` uses unsupported deploy method {daemon.AcceptsDeployId}.");
        if (await db.Apps.AnyAsync(a => a.AppId == appId, ct))
            return AlreadyRegistered(appId);

        var deployOptions = new DeployOptionsDto(req.Env ?? [], req.Mounts ?? []);
        var declared = info.EnvironmentVariables.Select(v => v.Name).ToHashSet();
        var ignoredEnv = deployOptions.Env.Keys.Where(k => !declared.Contains(k)).Order().ToList();
        deployOptions = deployOptions with { Env = deployOptions.Env.Where(kv => declared.Contains(kv.Key)).ToDictionary() };
        var secret = info.Secret ?? SecretGenerator.NewAppSecret();

        var row = new AppRow
        {
            AppId = appId,
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
        operations.Start(row, AppOperations.Install, Guid.NewGuid());
        var stored = await InsertWithPortAsync(row, info.Port, ct);
        if (stored is not null) return stored;

        var request = AppMessages.Deploy(row, daemon, row.OperationId, AppApiProtocol.KindInstall, protector);
        try
        {
            await publish.PublishCommand(request, ct);
        }
        catch (Exception e)
        {
            // Nothing half-done stays behind: without the event no deploy would ever happen.
            log.LogError(e, "Publishing DeployRequested for {AppId} failed; registration rolled back", appId);
            await db.Apps.Where(a => a.AppId == appId).ExecuteDeleteAsync(CancellationToken.None);
            return e is MessageReturnedException
                ? Problems.Of(503, "no_consumer", "No deployer is listening on the message bus (start the deployer service); the app was not registered.")
                : Problems.Of(503, "bus_unavailable", "The message bus is unavailable; the app was not registered. Try again.");
        }
        log.LogInformation("ExApp {AppId} {Version} registered on {Daemon} port {Port}; deploy {OperationId} requested",
            appId, row.Version, daemon.Name, row.Port, row.OperationId);
        return TypedResults.Accepted($"/admin/apps/{appId}",
            new RegisterAppResult(appId, row.OperationId, row.Port, AppStatus.Parse(row.Status), ignoredEnv));
    }

    /// <summary>Inserts the row on the lowest free port (or the given one). Port choice is serialized per daemon by
    /// a transaction-scoped advisory lock, so concurrent registrations (on any replica) never pick the same port;
    /// the unique constraints stay as the last word on app id and port. Returns an error result, or null when stored.</summary>
    private async Task<IResult?> InsertWithPortAsync(AppRow row, int? fixedPort, CancellationToken ct)
    {
        var o = options.Value;
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock(hashtext({"registry-ports:" + row.DaemonName}))", ct);
        if (await db.Apps.AnyAsync(a => a.AppId == row.AppId, ct)) return AlreadyRegistered(row.AppId);
        var used = await db.Apps.Where(a => a.DaemonName == row.DaemonName).Select(a => a.Port).ToListAsync(ct);
        if (fixedPort is { } p)
        {
            if (used.Contains(p))
                return Problems.Of(409, "port_in_use", $"Port {p} is already used by another ExApp on daemon `{row.DaemonName}`.");
            row.Port = p;
        }
        else
        {
            var free = Enumerable.Range(o.PortRangeStart, o.PortRangeEnd - o.PortRangeStart + 1).Except(used).Take(1).ToList();
            if (free.Count == 0)
                return Problems.Of(409, "no_free_port", $"No free port in {o.PortRangeStart}-{o.PortRangeEnd} on daemon `{row.DaemonName}`.");
            row.Port = free[0];
        }
        db.Apps.Add(row);
        try
        {
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
            return null;
        }
        catch (DbUpdateException e) when (e.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation } pg)
        {
            db.Entry(row).State = EntityState.Detached;
            return pg.ConstraintName == "apps_daemon_port_unique"
                ? Problems.Of(409, "port_in_use", $"Port {row.Port} is already used by another ExApp on daemon `{row.DaemonName}`.")
                : AlreadyRegistered(row.AppId);
        }
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
