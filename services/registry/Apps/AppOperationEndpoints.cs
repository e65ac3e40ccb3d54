using ExApps.ServiceDefaults;
using ExApps.Contracts;
using ExApps.Registry.Api;
using ExApps.Registry.Daemons;
using ExApps.Registry.Persistence;
using ExApps.Registry.Security;
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
        apps.MapPost("/{appId}/update", (string appId, UpdateAppRequest? req, UpdateFlow flow, CancellationToken ct) =>
            flow.StartAsync(appId, req, ct));
        apps.MapGet("/{appId}/logs", Logs);
        return apps;
    }

    private static async Task<IResult> Enable(string appId, AppOperations operations, RegistryDb db,
        ILogger<AppOperations> log, CancellationToken ct)
    {
        var (row, tx) = await operations.LockAsync(appId, ct);
        await using var _ = tx;
        if (row is null) return AppEndpoints.NotFound(appId);
        if (AppOperations.IsBusy(row)) return AppOperations.Busy(row);
        if (row.Enabled) return TypedResults.Ok(new { message = $"ExApp {appId} already enabled." });
        var daemon = await db.FindDaemonAsync(row.DaemonName, ct) ?? throw MissingDaemon(row);
        var operationId = await operations.RequestAsync(row, tx, AppOperations.Enable, id => new EnableApp
        {
            OperationId = id, RegistrationId = row.RegistrationId, App = operations.Spec(row, daemon),
        }, ct);
        log.LogInformation("ExApp {AppId} enable {OperationId} requested", appId, operationId);
        return TypedResults.Accepted($"/admin/apps/{appId}", new EnableAppResult(appId, operationId));
    }

    /// <summary>Answers once the lifecycle reports the app disabled, so a script that disables then acts can rely
    /// on it.</summary>
    private static async Task<IResult> Disable(string appId, AppOperations operations, RegistryDb db,
        IOptions<RegistryOptions> options, ILogger<AppOperations> log, CancellationToken ct)
    {
        var (row, tx) = await operations.LockAsync(appId, ct);
        Guid operationId;
        await using (tx)
        {
            if (row is null) return AppEndpoints.NotFound(appId);
            if (AppOperations.IsBusy(row)) return AppOperations.Busy(row);
            if (!row.Enabled) return TypedResults.Ok(new { message = $"ExApp {appId} already disabled." });
            var daemon = await db.FindDaemonAsync(row.DaemonName, ct) ?? throw MissingDaemon(row);
            operationId = await operations.RequestAsync(row, tx, AppOperations.Disable, id => new DisableApp
            {
                OperationId = id, RegistrationId = row.RegistrationId, App = operations.Spec(row, daemon),
            }, ct);
        }
        var timeout = options.Value.DisableTimeout;
        var (after, outcome) = await operations.WaitForAsync(appId, operationId, timeout, ct);
        if (outcome is null)
            return Problems.Of(504, "lifecycle_timeout",
                $"ExApp {appId} was not reported disabled within {timeout.TotalSeconds:0} s (is the lifecycle service running?); the disable goes on in the background.");
        if (after is null) return AppEndpoints.NotFound(appId);
        if (outcome.Outcome == "refused") return Problems.Of(409, "operation_in_progress", outcome.Error);
        log.LogInformation("ExApp {AppId} disabled", appId);
        return TypedResults.Ok(new
        {
            message = outcome.Error.Length > 0
                ? $"ExApp {appId} successfully disabled (it answered: {outcome.Error})."
                : $"ExApp {appId} successfully disabled.",
        });
    }

    private static async Task<IResult> Logs(string appId, int? tail, RegistryDb db, SecretProtector protector,
        IRequestClient<GetContainerLogs> client, IOptions<RegistryOptions> options, CancellationToken ct)
    {
        if (await db.FindAppAsync(appId, ct) is not { } row) return AppEndpoints.NotFound(appId);
        var daemon = await db.FindDaemonAsync(row.DaemonName, ct) ?? throw MissingDaemon(row);
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
