namespace ExApps.Gateway.Ocs;

/// <summary>Turns the failures an OCS handler can meet into OCS answers instead of a 500: a malformed request
/// (400/413 with the reason), the registry being unreachable (503).</summary>
public sealed class OcsErrorFilter(ILogger<OcsErrorFilter> log) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        try
        {
            return await next(context);
        }
        catch (OcsRequestException e)
        {
            return OcsResult.Error(e.Status, e.Message);
        }
        catch (BadHttpRequestException e)
        {
            return OcsResult.Error(e.StatusCode, e.Message);
        }
        catch (HttpRequestException e)
        {
            log.LogWarning("Registry call failed: {Error}", e.Message);
            return OcsResult.Error(503, "The registry is unavailable; try again.");
        }
        catch (Exception e) when (e is TaskCanceledException or Polly.Timeout.TimeoutRejectedException
                                   && !context.HttpContext.RequestAborted.IsCancellationRequested)
        {
            return OcsResult.Error(503, "The registry did not answer in time; try again.");
        }
        catch (Polly.CircuitBreaker.BrokenCircuitException)
        {
            // Failing fast while the registry keeps failing, instead of queueing every ExApp call behind it.
            return OcsResult.Error(503, "The registry is unavailable; try again.");
        }
    }
}
