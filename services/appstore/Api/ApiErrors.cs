namespace ExApps.AppStore.Api;

/// <summary>Error answers in the real store's (Django REST framework's) shape: <c>{"detail": "..."}</c>, with a
/// message that names what is wrong.</summary>
public static class ApiErrors
{
    public sealed record Detail(string detail);

    public static IResult Of(int status, string message) => TypedResults.Json(new Detail(message), statusCode: status);
    public static IResult BadRequest(string message) => Of(StatusCodes.Status400BadRequest, message);
    public static IResult Forbidden(string message) => Of(StatusCodes.Status403Forbidden, message);
    public static IResult NotFound(string message = "Not found.") => Of(StatusCodes.Status404NotFound, message);

    public static IResult Unauthorized(HttpContext http, string message)
    {
        http.Response.Headers.WWWAuthenticate = "Basic realm=\"api\"";
        return Of(StatusCodes.Status401Unauthorized, message);
    }

    public static IResult Throttled(HttpContext http, int seconds)
    {
        http.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return Of(StatusCodes.Status429TooManyRequests, $"Request was throttled. Expected available in {seconds} seconds.");
    }
}
