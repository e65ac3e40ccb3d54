using Microsoft.AspNetCore.Http.HttpResults;

namespace ExApps.Registry.Api;

/// <summary>ProblemDetails answers with the <c>error_code</c> extension that clients (the CLI) map to exit codes.</summary>
public static class Problems
{
    public static ProblemHttpResult Of(int status, string errorCode, string detail, string? title = null) =>
        TypedResults.Problem(detail: detail, statusCode: status, title: title ?? TitleFor(status),
            extensions: new Dictionary<string, object?> { ["error_code"] = errorCode });

    public static ValidationProblem Invalid(Dictionary<string, string[]> errors) =>
        TypedResults.ValidationProblem(errors,
            detail: string.Join(" ", errors.Values.SelectMany(v => v)),
            extensions: new Dictionary<string, object?> { ["error_code"] = "invalid_input" });

    private static string TitleFor(int status) => status switch
    {
        400 => "Bad request",
        401 => "Unauthorized",
        404 => "Not found",
        409 => "Conflict",
        422 => "Unprocessable",
        502 => "Bad gateway",
        503 => "Service unavailable",
        _ => "Error",
    };
}
