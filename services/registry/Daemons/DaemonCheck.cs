using ExApps.Contracts;
using ExApps.Registry.Api;
using ExApps.Registry.Persistence;
using ExApps.Registry.Security;
using MassTransit;
using Microsoft.Extensions.Options;

namespace ExApps.Registry.Daemons;

public sealed record DaemonCheckResult(bool Reachable, string Message, string? ApiVersion);

/// <summary>Connection check of a daemon (docs/protocol.md §1): the deployer does <c>GET /_ping</c> with a 3 s limit and
/// says why it failed; this endpoint adds its own limit for a deployer that does not answer at all.</summary>
public static class DaemonCheck
{
    public static async Task<IResult> CheckAsync(string name, RegistryDb db, SecretProtector protector,
        IRequestClient<CheckDaemon> client, IOptions<RegistryOptions> options, CancellationToken ct)
    {
        if (await db.FindDaemonAsync(name, ct) is not { } daemon)
            return DaemonEndpoints.NotFound(name);
        if (daemon.AcceptsDeployId == AppApiProtocol.ManualInstall)
            return TypedResults.Ok(new DaemonCheckResult(true,
                $"Daemon `{name}` is a manual-install daemon: the platform does not connect to it, so there is nothing to check.", null));

        var timeout = options.Value.DeployerRequestTimeout;
        try
        {
            var response = await client.GetResponse<DaemonChecked>(new CheckDaemon(daemon.ToTarget(protector)), ct,
                RequestTimeout.After(s: (int)timeout.TotalSeconds));
            var m = response.Message;
            return TypedResults.Ok(new DaemonCheckResult(m.Reachable, m.Message, m.ApiVersion));
        }
        catch (RequestTimeoutException)
        {
            return Problems.Of(504, "deployer_timeout",
                $"Could not check daemon `{name}`: no deployer answered within {timeout.TotalSeconds:0} s (is the deployer service running?).");
        }
        catch (RequestFaultException e)
        {
            return Problems.Of(502, "check_failed", $"Could not check daemon `{name}`: {FaultMessage(e)}");
        }
    }

    /// <summary>The reason a deployer gave in a fault, without MassTransit's wrapping.</summary>
    public static string FaultMessage(RequestFaultException e) =>
        e.Fault?.Exceptions is { Length: > 0 } ex ? string.Join("; ", ex.Select(x => x.Message)) : e.Message;
}
