using System.Security.Cryptography;
using System.Text;
using ExApps.Gateway.Ocs;
using Microsoft.Extensions.Options;

namespace ExApps.Gateway.Auth;

/// <summary>Admin authentication of the admin OCS routes: the admin token (<c>Authorization: Bearer</c>), or,
/// when <see cref="GatewayOptions.AcceptNextcloudAdmins"/> is set, Nextcloud credentials of a member of the admin
/// group. Answers as Nextcloud does: 401/997 when not logged in, 403 when logged in but not an admin.</summary>
public sealed class OcsAdminFilter(IOptions<AdminOptions> admin, IOptions<GatewayOptions> options, NextcloudUsers users)
    : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        if (AdminToken.Matches(http.Request.Headers.Authorization.ToString(), admin.Value.Token)) return await next(context);
        if (options.Value.AcceptNextcloudAdmins && await users.ResolveAsync(http.Request, http.RequestAborted) is { } user)
            return user.IsAdmin ? await next(context) : OcsResult.Error(403, "Logged in account must be an admin");
        return OcsResult.Error(OcsResult.Unauthorised, "Current user is not logged in");
    }
}

public static class AdminToken
{
    /// <summary><c>Bearer &lt;token&gt;</c>, compared in constant time.</summary>
    public static bool Matches(string authorizationHeader, string token)
    {
        if (!authorizationHeader.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)) return false;
        var given = SHA256.HashData(Encoding.UTF8.GetBytes(authorizationHeader["Bearer ".Length..].Trim()));
        return CryptographicOperations.FixedTimeEquals(given, SHA256.HashData(Encoding.UTF8.GetBytes(token)));
    }
}
