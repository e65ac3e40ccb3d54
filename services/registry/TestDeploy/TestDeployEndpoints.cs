using System.Security.Cryptography;
using System.Text.Json;
using ExApps.Contracts;
using ExApps.Registry.Api;
using ExApps.Registry.Apps;
using ExApps.Registry.Daemons;
using ExApps.Registry.Persistence;
using ExApps.Registry.Status;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Npgsql;

namespace ExApps.Registry.TestDeploy;

/// <summary>A daemon's test deploy (AppAPI's "test deploy" button): <c>POST /admin/daemons/{name}/test-deploy</c>
/// installs a small ExApp (<see cref="TestDeployOptions"/>) on the daemon through the usual install; the
/// <see cref="TestDeployRunner"/> records its steps and removes it once it has ended. <c>GET .../test-deploy</c>
/// answers the daemon's latest test deploy, <c>GET .../test-deploy/watch</c> streams it (Server-Sent Events,
/// <c>event: test-deploy</c>) until its app is removed.</summary>
public static class TestDeployEndpoints
{
    public static RouteGroupBuilder MapTestDeployEndpoints(this RouteGroupBuilder daemons)
    {
        daemons.MapPost("/{name}/test-deploy", Start);
        daemons.MapGet("/{name}/test-deploy", Latest);
        daemons.MapGet("/{name}/test-deploy/watch", Watch);
        return daemons;
    }

    public sealed record TestDeployStarted(string Appid, string Daemon, Guid OperationId);

    private static async Task<IResult> Start(string name, RegistryDb db, NpgsqlDataSource dataSource, AppRegistrar registrar,
        IOptions<RegistryOptions> options, TimeProvider clock, ILogger<TestDeployRunner> log, CancellationToken ct)
    {
        if (await db.FindDaemonAsync(name, ct) is not { } daemon) return DaemonEndpoints.NotFound(name);
        if (daemon.AcceptsDeployId != AppApiProtocol.DockerInstall)
            return Problems.Of(422, "daemon_unsupported",
                $"Daemon `{name}` is a {daemon.AcceptsDeployId} daemon: a test deploy needs a {AppApiProtocol.DockerInstall} daemon.");
        var o = options.Value.TestDeploy;
        var appId = $"{o.AppIdPrefix}-{Convert.ToHexString(RandomNumberGenerator.GetBytes(3)).ToLowerInvariant()}";
        if (!await TestDeployRecords.TryStartAsync(dataSource, appId, daemon.Name, clock.GetUtcNow(), ct))
        {
            var running = await TestDeployRecords.LatestAsync(dataSource, daemon.Name, ct);
            return Problems.Of(409, "operation_in_progress",
                $"A test deploy on daemon `{name}` is still running ({running?.Appid}); wait until it has ended and its app is removed.");
        }
        var result = await registrar.RegisterAsync(new RegisterAppRequest(appId, daemon.Name, o.InfoXml(appId), null, null, null, null), ct);
        if (result is not Accepted<RegisterAppResult> { Value: { } accepted })
        {
            await TestDeployRecords.ExecuteAsync(dataSource, "DELETE FROM registry.test_deploys WHERE appid = @a", CancellationToken.None, ("a", appId));
            return result;
        }
        await TestDeployRecords.ExecuteAsync(dataSource, "UPDATE registry.test_deploys SET operation_id = @op, steps = @steps WHERE appid = @a", ct,
            ("op", accepted.OperationId), ("steps", TestDeployRecords.StepsJson(TestDeploySteps.Initial())), ("a", appId));
        log.LogInformation("Test deploy {AppId} started on daemon {Daemon} with {Image}", appId, daemon.Name, o.Image);
        return TypedResults.Accepted($"/admin/daemons/{Uri.EscapeDataString(daemon.Name)}/test-deploy",
            new TestDeployStarted(appId, daemon.Name, accepted.OperationId));
    }

    private static async Task<IResult> Latest(string name, NpgsqlDataSource dataSource, CancellationToken ct) =>
        await TestDeployRecords.LatestAsync(dataSource, name, ct) is { } record
            ? TypedResults.Json(record.ToView(), TestDeployRecords.Json)
            : NotFound(name);

    private static async Task<IResult> Watch(string name, HttpContext http, NpgsqlDataSource dataSource, AppChangeFeed feed,
        CancellationToken ct)
    {
        if (await TestDeployRecords.LatestAsync(dataSource, name, ct) is not { } record) return NotFound(name);
        using var changes = feed.Subscribe(record.Appid);
        var response = http.Response;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
        var sent = "";
        try
        {
            while (!ct.IsCancellationRequested)
            {
                record = await TestDeployRecords.GetAsync(dataSource, record.Appid, ct) ?? record;
                var view = JsonSerializer.Serialize(record.ToView(), TestDeployRecords.Json);
                if (view != sent)
                {
                    sent = view;
                    await response.WriteAsync($"event: test-deploy\ndata: {view}\n\n", ct);
                }
                else await response.WriteAsync(": keep-alive\n\n", ct);
                await response.Body.FlushAsync(ct);
                if (record.RemovedAt is not null) break; // the end: nothing changes any more
                await changes.WaitAsync(TimeSpan.FromSeconds(15), ct);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // the client went away
        }
        return Results.Empty;
    }

    private static IResult NotFound(string name) =>
        Problems.Of(404, "test_deploy_not_found", $"Daemon `{name}` has had no test deploy.");
}
