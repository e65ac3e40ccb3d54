using MassTransit;
using Microsoft.AspNetCore.Diagnostics;

namespace ExApps.Registry.Api;

/// <summary>A command that no service consumes (RabbitMQ returned it): the operation was not started (its
/// transaction rolls back), and the operator learns which service is missing.</summary>
public sealed class UnroutedCommandHandler(ILogger<UnroutedCommandHandler> log) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken ct)
    {
        if (exception is not MessageReturnedException) return false;
        const string detail = "No service consumes this command on the message bus: is the lifecycle (enable, disable) " +
            "or deployer (deploy) service running? Nothing was changed.";
        log.LogError("{Detail} ({Message})", detail, exception.Message);
        await Problems.Of(503, "no_consumer", detail).ExecuteAsync(http);
        return true;
    }
}
