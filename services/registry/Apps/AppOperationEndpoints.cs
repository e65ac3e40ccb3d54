using ExApps.ServiceDefaults;
using ExApps.Contracts;
using ExApps.Registry.Api;
using ExApps.Registry.Daemons;
using ExApps.Registry.Persistence;
using ExApps.Registry.Security;
using ExApps.Registry.Status;
using MassTransit;
using Microsoft.Extensions.Options;

namespace ExApps.Registry.Apps;

/// <summary>app:enable, app:disable, app:update and the container logs (admin API, second part).</summary>
public static class AppOperationEndpoints
{
    public static RouteGroupBuilder MapAppOperationEndpoints(this RouteGroupBuilder apps)
    {
        apps.MapPost("/{appId}/enable", Enable);
        apps.MapPost("/{appId}/disable", Disable);
        apps.MapPost("/{appId}/update", (string appId, UpdateAppRequest req, UpdateFlow flow, CancellationToken ct) =>
            flow.StartAsync(appId, req, ct));
        apps.MapGet("/{appId}/logs", Logs);
        return apps;
    }

    private static async Task<IResult> Enable(string appId, AppOperations operations, RegistryDb db,
        SecretProtector protector, IPublishEndpoint publish, ILogger<AppOperations> log, CancellationToken ct)
    {
        var (row, tx) = await operations.LockAsync(appId, ct);
        await using var _ = tx;
        if (row is null) return AppEndpoints.NotFound(appId);
        if (operations.IsBusy(row)) return AppOperations.Busy(row);
        if (row.Enabled) return TypedResults.Ok(new { message = $"ExApp {appId} already enabled." });
        var daemon = await db.Daemons.FindAsync([row.DaemonName], ct) ?? throw MissingDaemon(row);

        operations.Start(row, AppOperations.Enable, Guid.NewGuid());
        var status = AppStatus.Parse(row.Status);
        status.Error = ""; // a new attempt: an error shown from now on is this attempt's
        row.Status = status.ToJson();
        await publish.PublishCommand(new EnableApp(row.OperationId, AppMessages.Endpoint(row, daemon, protector),
            AppMessages.ContainerDaemon(daemon, protector)), ct);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        log.LogInformation("ExApp {AppId} enable {OperationId} requested", appId, row.OperationId);
        return TypedResults.Accepted($"/admin/apps/{appId}", new EnableAppResult(appId, row.OperationId));
    }

    /// <summary>Answers once the lifecycle confirmed (Disabled), so a script that disables then acts can rely on it.</summary>
    private static async Task<IResult> Disable(string appId, AppOperations operations, RegistryDb db,
        SecretProtector protector, IPublishEndpoint publish, IOptions<RegistryOptions> options,
        ILogger<AppOperations> log, CancellationToken ct)
    {
        var (row, tx) = await operations.LockAsync(appId, ct);
        Guid operation;
        await using (tx)
        {
            if (row is null) return AppEndpoints.NotFound(appId);
            if (operations.IsBusy(row)) return AppOperations.Busy(row);
            if (!row.Enabled) return TypedResults.Ok(new { message = $"ExApp {appId} already disabled." });
            var daemon = await db.Daemons.FindAsync([row.DaemonName], ct) ?? throw MissingDaemon(row);
            operations.Start(row, AppOperations.Disable, Guid.NewGuid());
            operation = row.OperationId;
            await publish.PublishCommand(new DisableApp(operation, AppMessages.Endpoint(row, daemon, protector),
                AppMessages.ContainerDaemon(daemon, protector), StopContainer: true), ct);
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
        }
        var timeout = options.Value.DisableTimeout;
        var (after, timedOut) = await operations.WaitForAsync(appId, operation, timeout, ct);
        if (timedOut)
        {
            await operations.ReleaseAsync(appId, operation);
            return Problems.Of(504, "lifecycle_timeout",
                $"Failed to disable ExApp {appId}: the lifecycle service did not confirm within {timeout.TotalSeconds:0} s (is it running?).");
        }
        if (after is null) return AppEndpoints.NotFound(appId);
        var error = AppStatus.Parse(after.Status).Error;
        log.LogInformation("ExApp {AppId} disabled", appId);
        return TypedResults.Ok(new
        {
            message = error.Length > 0 && !after.Enabled
                ? $"ExApp {appId} successfully disabled (it answered: {error})."
                : $"ExApp {appId} successfully disabled.",
        });
    }

    private static async Task<IResult> Logs(string appId, int? tail, RegistryDb db, SecretProtector protector,
        IRequestClient<GetContainerLogs> client, IOptions<RegistryOptions> options, CancellationToken ct)
    {
        if (await db.Apps.FindAsync([appId], ct) is not { } row) return AppEndpoints.NotFound(appId);
        var daemon = await db.Daemons.FindAsync([row.DaemonName], ct) ?? throw MissingDaemon(row);
        if (daemon.AcceptsDeployId != AppApiProtocol.DockerInstall)
            return Problems.Of(422, "daemon_unsupported",
                $"ExApp {appId} runs on the {daemon.AcceptsDeployId} daemon `{daemon.Name}`: the platform has no container to read logs from.");
        var lines = Math.Clamp(tail ?? 100, 1, 10_000);
        var timeout = options.Value.DeployerRequestTimeout;
        try
        {
            var response = await client.GetResponse<ContainerLogs>(
                new GetContainerLogs(appId, daemon.ToTarget(protector), lines), ct, RequestTimeout.After(s: (int)timeout.TotalSeconds));
            return TypedResults.Text(response.Message.Text, "text/plain; charset=utf-8");
        }
        catch (RequestTimeoutException)
        {
            return Problems.Of(504, "deployer_timeout",
                $"No deployer answered within {timeout.TotalSeconds:0} s: is the deployer service running?");
        }
        catch (RequestFaultException e)
        {
            return Problems.Of(502, "logs_failed", $"Reading the logs of ExApp {appId} failed: {DaemonCheck.FaultMessage(e)}");
        }
    }

    internal static InvalidOperationException MissingDaemon(AppRow row) =>
        new($"Daemon {row.DaemonName} of ExApp {row.AppId} is missing.");
}
