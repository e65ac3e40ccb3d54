using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace ExApps.Registry.Api;

/// <summary>Requires <c>Authorization: Bearer &lt;Admin:Token&gt;</c>, compared in constant time.</summary>
public sealed class AdminAuth(IOptions<AdminOptions> options) : IEndpointFilter
{
    private readonly byte[] _token = Encoding.UTF8.GetBytes(options.Value.Token);

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var header = context.HttpContext.Request.Headers.Authorization.ToString();
        var given = header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
            ? Encoding.UTF8.GetBytes(header["Bearer ".Length..].Trim())
            : [];
        if (!CryptographicOperations.FixedTimeEquals(given, _token))
            return Problems.Of(401, "unauthorized", "A valid admin token is required (Authorization: Bearer <token>).");
        return await next(context);
    }
}
