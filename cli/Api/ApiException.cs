using System.Text.Json;

namespace ExApps.Cli.Api;

public enum ApiFailure
{
    /// <summary>No answer at all: connection refused, DNS, timeout.</summary>
    Unreachable,
    /// <summary>401: the admin token was rejected.</summary>
    Unauthorized,
    /// <summary>A ProblemDetails answer with an <c>error_code</c>.</summary>
    Problem,
    /// <summary>An error status without a readable ProblemDetails body.</summary>
    Unexpected,
}

/// <summary>The error codes of docs/internal-api.md.</summary>
public static class ErrorCodes
{
    public const string InvalidInput = "invalid_input";
    public const string InvalidAppInfo = "invalid_app_info";
    public const string DaemonNotFound = "daemon_not_found";
    public const string DaemonUnsupported = "daemon_unsupported";
    public const string AlreadyRegistered = "already_registered";
    public const string AppNotFound = "app_not_found";
    public const string DaemonInUse = "daemon_in_use";
    public const string Unauthorized = "unauthorized";
    public const string OperationInProgress = "operation_in_progress";
}

/// <summary>A failed admin API call, already turned into the message the CLI prints.</summary>
public sealed class ApiException : Exception
{
    public ApiException(ApiFailure failure, string message, int? statusCode = null, string? errorCode = null,
        IReadOnlyDictionary<string, string[]>? errors = null, Exception? inner = null)
        : base(message, inner)
    {
        Failure = failure;
        StatusCode = statusCode;
        ErrorCode = errorCode;
        Errors = errors ?? new Dictionary<string, string[]>();
    }

    public ApiFailure Failure { get; }
    public int? StatusCode { get; }
    public string? ErrorCode { get; }

    /// <summary>Per-field validation messages of an <c>invalid_input</c> answer.</summary>
    public IReadOnlyDictionary<string, string[]> Errors { get; }

    /// <summary>The message followed by one line per field error.</summary>
    public string Describe() =>
        Errors.Count == 0
            ? Message
            : Message + string.Concat(Errors.SelectMany(e => e.Value.Select(m => $"{Environment.NewLine}  {e.Key}: {m}")));

    public static ApiException Unreachable(Uri baseUrl, string reason, Exception? inner = null) =>
        new(ApiFailure.Unreachable, $"Cannot reach the platform at {baseUrl.OriginalString.TrimEnd('/')}: {reason}", inner: inner);

    /// <summary>Turns an error answer into an exception: 401 first, then ProblemDetails, then the bare status.</summary>
    public static ApiException FromResponse(int statusCode, string? reasonPhrase, string body)
    {
        if (statusCode == 401)
            return new ApiException(ApiFailure.Unauthorized, "Admin token rejected (set APPAPI_TOKEN)", 401, ErrorCodes.Unauthorized);

        var fallback = $"The platform answered HTTP {statusCode}{(string.IsNullOrEmpty(reasonPhrase) ? "" : " " + reasonPhrase)}.";
        JsonElement problem;
        try
        {
            using var doc = JsonDocument.Parse(body);
            problem = doc.RootElement.Clone();
        }
        catch (JsonException)
        {
            return new ApiException(ApiFailure.Unexpected, fallback, statusCode);
        }
        if (problem.ValueKind != JsonValueKind.Object)
            return new ApiException(ApiFailure.Unexpected, fallback, statusCode);

        var detail = Text(problem, "detail") ?? Text(problem, "title") ?? fallback;
        var code = Text(problem, "error_code");
        return new ApiException(code is null ? ApiFailure.Unexpected : ApiFailure.Problem, detail, statusCode, code,
            FieldErrors(problem));
    }

    private static string? Text(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } s
            ? s
            : null;

    private static Dictionary<string, string[]> FieldErrors(JsonElement problem)
    {
        var result = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (!problem.TryGetProperty("errors", out var errors) || errors.ValueKind != JsonValueKind.Object)
            return result;
        foreach (var field in errors.EnumerateObject())
        {
            result[field.Name] = field.Value.ValueKind switch
            {
                JsonValueKind.Array => field.Value.EnumerateArray().Select(m => m.ToString()).ToArray(),
                _ => [field.Value.ToString()],
            };
        }
        return result;
    }
}
