using System.Text.Json;
using ExApps.Registry.Api;
using ExApps.Registry.Persistence;

namespace ExApps.Registry.Daemons;

public sealed record RegistryRemapRequest(string? From, string? To);

/// <summary>daemon:registry:add|remove|list: image registry remaps of a daemon (docs/protocol.md §1, <c>to = local</c>
/// means never pull). Read-modify-write under a row lock, so two concurrent changes never lose one another.</summary>
public static class DaemonRegistries
{
    public static RouteGroupBuilder MapDaemonRegistryEndpoints(this RouteGroupBuilder daemons)
    {
        daemons.MapGet("/{name}/registries", List);
        daemons.MapPost("/{name}/registries", Add);
        daemons.MapDelete("/{name}/registries", Remove);
        return daemons;
    }

    private static async Task<IResult> List(string name, RegistryDb db, CancellationToken ct) =>
        await db.FindDaemonAsync(name, ct) is { } row
            ? TypedResults.Ok(row.Config().Registries)
            : DaemonEndpoints.NotFound(name);

    private static async Task<IResult> Add(string name, RegistryRemapRequest req, RegistryDb db,
        ILogger<DaemonRow> log, CancellationToken ct)
    {
        var from = req.From?.Trim() ?? "";
        var to = req.To?.Trim() ?? "";
        var errors = new Dictionary<string, string[]>();
        if (!IsRegistry(from)) errors["from"] = [$"--registry-from \"{from}\" must be a registry host such as docker.io or ghcr.io."];
        if (to != "local" && !IsRegistry(to)) errors["to"] = [$"--registry-to \"{to}\" must be a registry host, or local to never pull."];
        if (errors.Count > 0) return Problems.Invalid(errors);

        return await Modify(name, db, ct, registries =>
        {
            var existing = registries.FindIndex(r => r.From == from);
            if (existing >= 0) registries[existing] = new RegistryRemapDto(from, to);
            else registries.Add(new RegistryRemapDto(from, to));
            log.LogInformation("Daemon {Daemon}: registry {From} remapped to {To}", name, from, to);
            return TypedResults.Ok(new { message = $"Registry mapping {from} -> {to} added to daemon `{name}`." });
        });
    }

    private static async Task<IResult> Remove(string name, string? from, RegistryDb db, CancellationToken ct)
    {
        var key = from?.Trim() ?? "";
        if (key.Length == 0) return Problems.Invalid(new() { ["from"] = ["--registry-from is required."] });
        return await Modify(name, db, ct, registries => registries.RemoveAll(r => r.From == key) > 0
            ? TypedResults.Ok(new { message = $"Registry mapping for {key} removed from daemon `{name}`." })
            : Problems.Of(404, "registry_not_found", $"Daemon `{name}` has no registry mapping for {key}."));
    }

    private static async Task<IResult> Modify(string name, RegistryDb db, CancellationToken ct,
        Func<List<RegistryRemapDto>, IResult> change)
    {
        await using var tx = await db.BeginAsync(ct);
        var row = await db.LockDaemonAsync(name, ct);
        if (row is null) return DaemonEndpoints.NotFound(name);
        var config = row.Config();
        var result = change(config.Registries);
        await db.UpdateDaemonConfigAsync(name, JsonSerializer.Serialize(config), ct);
        await tx.CommitAsync(ct);
        return result;
    }

    private static bool IsRegistry(string value) =>
        value.Length is > 0 and <= 255 && !value.Contains("://", StringComparison.Ordinal)
        && !value.Any(c => char.IsWhiteSpace(c) || char.IsControl(c));
}
