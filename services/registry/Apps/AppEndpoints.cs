using ExApps.Contracts;
using ExApps.Registry.Api;
using ExApps.Registry.Daemons;
using ExApps.Registry.Persistence;
using ExApps.Registry.Security;
using ExApps.Registry.Status;
using MassTransit;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace ExApps.Registry.Apps;

public static class AppEndpoints
{
    public static RouteGroupBuilder MapAppEndpoints(this RouteGroupBuilder admin)
    {
        var g = admin.MapGroup("/apps");
        g.MapPost("/", (RegisterAppRequest req, AppRegistrar registrar, CancellationToken ct) => registrar.RegisterAsync(req, ct));
        g.MapGet("/", List);
        g.MapGet("/{appId}", Get);
        g.MapDelete("/{appId}", Unregister);
        return g;
    }

    public static AppView ToView(this AppRow a) =>
        new(a.AppId, a.Name, a.Version, a.DaemonName, a.Port, a.Enabled, AppStatus.Parse(a.Status), a.CreatedTime);

    private static async Task<Ok<List<AppView>>> List(RegistryDb db, CancellationToken ct) =>
        TypedResults.Ok((await db.Apps.AsNoTracking().OrderBy(a => a.AppId).ToListAsync(ct)).Select(ToView).ToList());

    private static async Task<IResult> Get(string appId, RegistryDb db, CancellationToken ct) =>
        await db.Apps.AsNoTracking().FirstOrDefaultAsync(a => a.AppId == appId, ct) is { } row
            ? TypedResults.Ok(row.ToView())
            : NotFound(appId);

    internal static IResult NotFound(string appId) =>
        Problems.Of(404, "app_not_found", $"ExApp {appId} not found.");

    /// <summary>app:unregister: remove the container (and the data volume only with rm_data), then every record.
    /// With force, a failure to remove the container does not stop the unregistration.</summary>
    private static async Task<IResult> Unregister(string appId, bool? rm_data, bool? force, RegistryDb db,
        SecretProtector protector, IRequestClient<RemoveContainer> remover, IPublishEndpoint publish,
        IOptions<RegistryOptions> options, ILogger<AppRow> log, CancellationToken ct)
    {
        var row = await db.Apps.FirstOrDefaultAsync(a => a.AppId == appId, ct);
        if (row is null) return NotFound(appId);
        var daemon = await db.Daemons.FindAsync([row.DaemonName], ct);
        var notes = new List<string>();
        if (daemon is { AcceptsDeployId: AppApiProtocol.DockerInstall })
        {
            try
            {
                var response = await remover.GetResponse<ContainerRemoved>(
                    new RemoveContainer(appId, daemon.ToTarget(protector), rm_data == true), ct,
                    RequestTimeout.After(s: (int)options.Value.RemoveTimeout.TotalSeconds));
                if (!response.Message.ContainerExisted) notes.Add("the container was already gone");
                if (response.Message.VolumeRemoved) notes.Add("its data volume was removed");
            }
            catch (Exception e) when (e is RequestFaultException or RequestTimeoutException)
            {
                var reason = e is RequestFaultException f ? string.Join("; ", f.Fault?.Exceptions.Select(x => x.Message) ?? []) : "the deployer did not answer in time";
                if (force != true)
                    return Problems.Of(502, "remove_failed", $"Failed to remove the container of ExApp {appId}: {reason}. Use --force to unregister anyway.");
                notes.Add($"container removal failed ({reason}), unregistered anyway");
            }
        }
        db.Apps.Remove(row);
        await db.SaveChangesAsync(ct);
        await publish.Publish(new AppUnregistered(appId), ct);
        log.LogInformation("ExApp {AppId} unregistered (data removed: {RmData})", appId, rm_data == true);
        var suffix = notes.Count > 0 ? $" ({string.Join(", ", notes)})" : "";
        return TypedResults.Ok(new { message = $"ExApp {appId} successfully unregistered.{suffix}" });
    }
}
