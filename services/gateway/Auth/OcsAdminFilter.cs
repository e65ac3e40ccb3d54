using ExApps.Gateway.Ocs;
using ExApps.ServiceDefaults.Security;
using Microsoft.Extensions.Options;

namespace ExApps.Gateway.Auth;

/// <summary>Admin authentication of the admin OCS routes: the admin token (<c>Authorization: Bearer</c>, throttled
/// like the admin API), or, when <see cref="GatewayOptions.AcceptNextcloudAdmins"/> is set, Nextcloud credentials
/// of a member of the admin group. Answers as Nextcloud does: 401/997 when not logged in, 403 when logged in but
/// not an admin.</summary>
public sealed class OcsAdminFilter(IOptions<AdminOptions> admin, IOptions<GatewayOptions> options, NextcloudUsers users,
    AdminTokenCheck check) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        if (http.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            var verdict = await check.VerifyAsync(http, admin.Value.Token);
            if (verdict == AttemptVerdict.Passed) return await next(context);
            if (verdict == AttemptVerdict.Refused) return OcsResult.Error(429, FailureThrottle.TooManyMessage);
        }
        if (options.Value.AcceptNextcloudAdmins && await users.ResolveAsync(http.Request, http.RequestAborted) is { } user)
            return user.IsAdmin ? await next(context) : OcsResult.Error(403, "Logged in account must be an admin");
        return OcsResult.Error(OcsResult.Unauthorised, "Current user is not logged in");
    }
}
