using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace ExApps.ServiceDefaults;

public static class EndpointFilters
{
    /// <summary>Adds one instance of <typeparamref name="TFilter"/> (its constructor's services from the container)
    /// to every endpoint of the group. ASP.NET Core's <c>AddEndpointFilter&lt;TFilter&gt;()</c> builds its filters
    /// through <c>ActivatorUtilities.CreateFactory</c>, a compiled expression tree: in the registry, whose endpoints
    /// come from the request delegate generator, that loaded System.Linq.Expressions (2.4 MiB resident) for nothing
    /// else (docs/performance.md). The filters are stateless.</summary>
    public static RouteGroupBuilder AddSharedFilter<TFilter>(this RouteGroupBuilder group) where TFilter : IEndpointFilter =>
        group.AddEndpointFilter(ActivatorUtilities.CreateInstance<TFilter>(((IEndpointRouteBuilder)group).ServiceProvider));
}
