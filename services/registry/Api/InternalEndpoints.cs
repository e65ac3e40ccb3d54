using ExApps.Registry.Apps;
using ExApps.Registry.Persistence;
using ExApps.Registry.Security;
using ExApps.Registry.Status;

namespace ExApps.Registry.Api;

/// <summary>Service-to-service reads for the gateway (ExApp authentication). Not exposed by the gateway.</summary>
public static class InternalEndpoints
{
    public sealed record AppAuthInfo(string Appid, string Version, string Secret, bool Enabled, string StatusType);

    public static RouteGroupBuilder MapInternalEndpoints(this RouteGroupBuilder group)
    {
        group.MapGet("/apps/{appId}/auth", async (string appId, RegistryDb db, SecretProtector protector, CancellationToken ct) =>
            await db.FindAppAsync(appId, ct) is { } a
                ? Results.Ok(new AppAuthInfo(a.AppId, a.Version, protector.Unprotect(a.SecretEnc), a.Enabled,
                    AppStatus.Parse(a.Status).Type))
                : AppEndpoints.NotFound(appId));
        return group;
    }
}
