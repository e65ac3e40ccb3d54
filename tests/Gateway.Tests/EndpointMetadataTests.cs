using ExApps.ServiceDefaults;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;

namespace ExApps.Gateway.Tests;

/// <summary>The gateway's own endpoints, as routing sees them.</summary>
public sealed class EndpointMetadataTests
{
    /// <summary>Every handler reads its body itself (JSON or form, as AppAPI's ExApps send either). An endpoint
    /// that declared the content types it accepts would lose every other request to the route that forwards to
    /// Nextcloud (routing's content-type policy passes over it), as happened when a parameter object of services
    /// was taken for a JSON body.</summary>
    [Fact]
    public async Task No_endpoint_of_the_gateway_restricts_the_content_types_it_accepts()
    {
        var builder = ServiceHost.CreateBuilder([]);
        builder.AddServiceDefaults();
        builder.AddGateway();
        await using var app = builder.Build();
        app.MapDefaultEndpoints();
        app.MapGateway();

        var endpoints = ((IEndpointRouteBuilder)app).DataSources.SelectMany(d => d.Endpoints).OfType<RouteEndpoint>().ToList();
        Assert.Contains(endpoints, e => e.RoutePattern.RawText?.Contains("talk_bot") == true);
        var restricted = endpoints
            .Where(e => e.Metadata.GetMetadata<IAcceptsMetadata>() is { ContentTypes.Count: > 0 })
            .Select(e => $"{e.DisplayName} accepts {string.Join(", ", e.Metadata.GetMetadata<IAcceptsMetadata>()!.ContentTypes)}")
            .ToList();
        Assert.True(restricted.Count == 0, string.Join("\n", restricted));
    }
}
