namespace ExApps.Gateway;

/// <summary>A request Kestrel finds malformed or too large while a handler reads it (body over the limit,
/// broken chunking) is answered with its own 4xx and a message, not a 500.</summary>
public sealed class BadRequestMiddleware(RequestDelegate next)
{
    public async Task InvokeAsync(HttpContext http)
    {
        try
        {
            await next(http);
        }
        catch (BadHttpRequestException e) when (!http.Response.HasStarted)
        {
            await TypedResults.Problem(statusCode: e.StatusCode, detail: e.Message).ExecuteAsync(http);
        }
    }
}
