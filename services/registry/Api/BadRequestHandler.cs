using System.Text.Json;
using System.Text.RegularExpressions;
using Npgsql;

namespace ExApps.Registry.Api;

/// <summary>Requests the handlers never see, answered as ProblemDetails naming the field instead of an empty 400 or
/// a 500: a body whose JSON types do not fit (<c>{"appid":123}</c>, an env value that is a number, <c>mounts</c>
/// as a string), malformed JSON, and, as a last resort behind the validation, text PostgreSQL cannot store (NUL).
/// Needs <c>RouteHandlerOptions.ThrowOnBadRequest</c>, which turns the binding failure into an exception.</summary>
public sealed partial class BadRequestHandler(ILogger<BadRequestHandler> log) : Microsoft.AspNetCore.Diagnostics.IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken ct)
    {
        switch (exception)
        {
            case BadHttpRequestException { InnerException: JsonException json }:
                var field = FieldOf(json.Path);
                await Problems.Invalid(new() { [field] = [Message(field, json)] }).ExecuteAsync(http);
                return true;
            case BadHttpRequestException bad:
                await Problems.Of(bad.StatusCode, bad.StatusCode == 413 ? "too_large" : "invalid_input", Clean(bad.Message)).ExecuteAsync(http);
                return true;
            case PostgresException { SqlState: "22021" or "22P05" } pg:
                log.LogWarning("A value PostgreSQL cannot store reached the database ({SqlState}); answered 400", pg.SqlState);
                await Problems.Of(400, "invalid_input", "A value contains a NUL or another character that cannot be stored.").ExecuteAsync(http);
                return true;
            default:
                return false;
        }
    }

    /// <summary><c>$.env.FOO</c> -> <c>env.FOO</c>; <c>$.mounts[0].source</c> stays readable; no path: <c>body</c>.</summary>
    public static string FieldOf(string? path)
    {
        if (string.IsNullOrEmpty(path) || path == "$") return "body";
        var field = path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path.TrimStart('$');
        field = BracketName().Replace(field, m => "." + m.Groups[1].Value).TrimStart('.');
        return field;
    }

    private static string Message(string field, JsonException json)
    {
        var target = TypeName().Match(json.Message) is { Success: true } m ? m.Groups[1].Value : "";
        var expected = target switch
        {
            var t when t.StartsWith("System.String", StringComparison.Ordinal) => "a string",
            var t when t.StartsWith("System.Boolean", StringComparison.Ordinal) => "true or false",
            var t when t.StartsWith("System.Int32", StringComparison.Ordinal) || t.StartsWith("System.Int64", StringComparison.Ordinal) => "an integer",
            var t when t.Contains("Dictionary", StringComparison.Ordinal) => "an object of strings",
            var t when t.Contains("List", StringComparison.Ordinal) || t.EndsWith("[]", StringComparison.Ordinal) => "a list",
            var t when t.Contains("MountDto", StringComparison.Ordinal) => "an object {source, target, mode}",
            var t when t.Contains("JsonElement", StringComparison.Ordinal) => "a JSON value",
            _ => "",
        };
        return expected.Length > 0
            ? $"`{field}` has the wrong type: it must be {expected}."
            : field == "body" ? "The request body is not valid JSON." : $"`{field}` has the wrong type or is not valid JSON.";
    }

    private static string Clean(string message) => message.Length > 300 ? message[..300] : message;

    [GeneratedRegex(@"\['([^']*)'\]")]
    private static partial Regex BracketName();

    [GeneratedRegex(@"converted to ([^.\s]+(\.[^.\s]+)*)")]
    private static partial Regex TypeName();
}
