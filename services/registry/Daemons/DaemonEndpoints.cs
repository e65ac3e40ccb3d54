using System.Text.Json;
using ExApps.Registry.Api;
using ExApps.Registry.Persistence;
using ExApps.Registry.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;

namespace ExApps.Registry.Daemons;

public static class DaemonEndpoints
{
    public static RouteGroupBuilder MapDaemonEndpoints(this RouteGroupBuilder admin)
    {
        var g = admin.MapGroup("/daemons");
        g.MapPost("/", Register);
        g.MapGet("/", List);
        g.MapDelete("/{name}", (string name, RegistryDb db, ILogger<DaemonRow> log, CancellationToken ct) => Unregister(name, db, log, ct));
        // Any stored name, even one that cannot be a path segment ("..", "a/b": rows stored before names were
        // restricted), can be removed by naming it in the query.
        g.MapDelete("/", (string? name, RegistryDb db, ILogger<DaemonRow> log, CancellationToken ct) => name is { Length: > 0 }
            ? Unregister(name, db, log, ct)
            : Task.FromResult<IResult>(Problems.Invalid(new() { ["name"] = ["Name the daemon to remove: DELETE /admin/daemons?name=<name>."] })));
        g.MapPost("/{name}/check", DaemonCheck.CheckAsync);
        g.MapPost("/{name}/default", SetDefault);
        g.MapDaemonRegistryEndpoints();
        TestDeploy.TestDeployEndpoints.MapTestDeployEndpoints(g);
        return g;
    }

    internal static IResult NotFound(string name) =>
        Problems.Of(404, "daemon_not_found", $"Daemon config `{name}` not found.");

    private static async Task<IResult> Register(RegisterDaemonRequest req, RegistryDb db, SecretProtector protector,
        ILogger<DaemonRow> log, CancellationToken ct)
    {
        var errors = DaemonValidator.Validate(req);
        if (errors.Count > 0) return Problems.Invalid(errors);
        var name = req.Name!.Trim();
        if (await db.DaemonExistsAsync(name, ct)) return Skipped(name);

        var config = new DeployConfig
        {
            Net = string.IsNullOrWhiteSpace(req.Net) ? "host" : req.Net.Trim(),
            NextcloudUrl = req.NextcloudUrl!.Trim().TrimEnd('/'),
            ComputeDevice = ComputeDevice.FromId(req.ComputeDevice)!,
            AutoRecover = string.IsNullOrWhiteSpace(req.AutoRecover) ? "none" : req.AutoRecover.Trim(),
        };
        await using var tx = await db.BeginAsync(ct);
        // The first daemon becomes the default so that installs naming none work out of the box.
        var makeDefault = req.SetDefault || !await db.AnyDefaultDaemonAsync(ct);
        if (makeDefault) await db.SetDefaultDaemonAsync(null, ct);
        var row = new DaemonRow
        {
            Name = name,
            DisplayName = string.IsNullOrWhiteSpace(req.DisplayName) ? name : req.DisplayName.Trim(),
            AcceptsDeployId = req.AcceptsDeployId!,
            Protocol = req.Protocol!,
            Host = req.Host!.Trim(),
            DeployConfig = JsonSerializer.Serialize(config),
            HaproxyPasswordEnc = string.IsNullOrEmpty(req.HaproxyPassword) ? null : protector.Protect(req.HaproxyPassword),
            IsDefault = makeDefault,
            CreatedAt = DateTimeOffset.UtcNow,
        };
        try
        {
            await db.InsertDaemonAsync(row, ct);
            await tx.CommitAsync(ct);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            return Skipped(name); // registered concurrently under the same name
        }
        log.LogInformation("Daemon {Daemon} registered ({DeployId}, {Protocol}, default: {Default})",
            name, row.AcceptsDeployId, row.Protocol, row.IsDefault);
        return TypedResults.Created($"/admin/daemons/{Uri.EscapeDataString(name)}", row.ToView(0));
    }

    private static Ok<Dictionary<string, object>> Skipped(string name) => TypedResults.Ok(new Dictionary<string, object>
    {
        ["skipped"] = true,
        ["message"] = $"Registration skipped, as the daemon config `{name}` already exists.",
    });

    private static async Task<Ok<List<DaemonView>>> List(RegistryDb db, CancellationToken ct)
    {
        var counts = await db.AppCountsByDaemonAsync(ct);
        var rows = await db.ListDaemonsAsync(ct);
        return TypedResults.Ok(rows.Select(r => r.ToView(counts.GetValueOrDefault(r.Name))).ToList());
    }

    /// <summary>Makes the daemon the default (installs that name none use it); the previous default stops being one.</summary>
    private static async Task<IResult> SetDefault(string name, RegistryDb db, ILogger<DaemonRow> log, CancellationToken ct)
    {
        await using var tx = await db.BeginAsync(ct);
        if (await db.FindDaemonAsync(name, ct) is not { } row) return NotFound(name);
        if (!row.IsDefault)
        {
            await db.SetDefaultDaemonAsync(name, ct);
            await tx.CommitAsync(ct);
            log.LogInformation("Daemon {Daemon} is the default now", name);
        }
        return TypedResults.Ok(new { message = $"Daemon config `{name}` is the default." });
    }

    private static async Task<IResult> Unregister(string name, RegistryDb db, ILogger<DaemonRow> log, CancellationToken ct)
    {
        var row = await db.FindDaemonAsync(name, ct);
        // A path segment keeps "%2F" encoded: "a%2Fb" names the daemon "a/b".
        if (row is null && name.Contains('%')) row = await db.FindDaemonAsync(Uri.UnescapeDataString(name), ct);
        if (row is null)
            return NotFound(name);
        name = row.Name;
        var apps = await db.CountAppsOnDaemonAsync(name, ct);
        if (apps > 0)
            return Problems.Of(409, "daemon_in_use", $"{name} daemon contains {apps} ExApps, please remove them first to proceed.");
        try
        {
            await db.DeleteDaemonAsync(name, ct);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.ForeignKeyViolation)
        {
            return Problems.Of(409, "daemon_in_use", $"{name} daemon contains ExApps, please remove them first to proceed.");
        }
        log.LogInformation("Daemon {Daemon} unregistered", name);
        return TypedResults.Ok(new { message = $"Daemon config `{name}` unregistered." });
    }
}
