using ExApps.ServiceDefaults.Security;

namespace ExApps.Registry.Api;

/// <summary>Route and query values (<c>{appId}</c>, <c>{name}</c>, <c>{userId}</c>, <c>?from=</c>) with control
/// characters can name nothing stored (every stored name is validated) and PostgreSQL refuses NUL: answer 400
/// naming the parameter before any query runs.</summary>
public sealed class RouteValueFilter : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var request = context.HttpContext.Request;
        foreach (var (key, value) in request.RouteValues)
            if (value is string s && (SafeText.HasControl(s) || s.Length > 256))
                return Problems.Invalid(new() { [key] = [$"`{key}` must be at most 256 characters without control characters."] });
        foreach (var (key, values) in request.Query)
            if (values.Any(v => v is not null && (SafeText.HasNul(v) || SafeText.HasControl(v))))
                return Problems.Invalid(new() { [key] = [$"`{key}` must not contain control characters."] });
        return await next(context);
    }
}
