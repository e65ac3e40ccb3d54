using System.Net;
using System.Text.Json;

namespace ExApps.Deployer.Docker;

/// <summary>Turns failed calls into messages an operator can act on. Only the engine's display address and the
/// engine's own answer are used: credentials are never part of either.</summary>
public static class DockerErrors
{
    private const int MaxDetailLength = 500;

    public static DockerEngineException FromResponse(DockerEndpoint endpoint, string operation,
        HttpStatusCode status, string body)
    {
        var code = (int)status;
        if (status is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
        {
            var hint = endpoint.Password is null
                ? "it requires credentials, but the daemon has no HAProxy password"
                : "check the daemon's HAProxy password";
            return new DockerEngineException(
                $"{operation}: Docker engine {endpoint} refused the request (HTTP {code}); {hint}.",
                DockerErrorKind.Unauthorized, code);
        }
        var detail = EngineMessage(body);
        return status switch
        {
            HttpStatusCode.NotFound => new DockerEngineException($"{operation}: {detail}", DockerErrorKind.NotFound, code),
            HttpStatusCode.Conflict => new DockerEngineException($"{operation}: {detail}", DockerErrorKind.Conflict, code),
            _ => new DockerEngineException($"{operation}: {detail} (HTTP {code} from Docker engine {endpoint})",
                DockerErrorKind.Engine, code),
        };
    }

    /// <param name="tlsFailure">Why the engine's certificate was refused, when the handshake failed on it.</param>
    public static DockerEngineException Unreachable(DockerEndpoint endpoint, string operation, Exception e,
        string? tlsFailure = null)
    {
        if (Chain(e).Any(x => x is System.Security.Authentication.AuthenticationException))
        {
            var why = Chain(e).Any(x => x.Message.Contains("RemoteCertificateValidationCallback")) && tlsFailure is not null
                ? tlsFailure
                : Innermost(e).Message;
            return new DockerEngineException(
                $"{operation}: the TLS connection to Docker engine {endpoint} failed: {why}.",
                DockerErrorKind.TlsFailure, null, e);
        }
        return new($"{operation}: Docker engine {endpoint} is unreachable: {Innermost(e).Message}",
            DockerErrorKind.Unreachable, null, e);
    }

    public static DockerEngineException Timeout(DockerEndpoint endpoint, string operation, TimeSpan timeout) =>
        new($"{operation}: Docker engine {endpoint} did not answer within {timeout.TotalSeconds:0.#} s.",
            DockerErrorKind.Unreachable);

    /// <summary>The <c>message</c> of Docker's JSON error body, or the (shortened) body itself.</summary>
    public static string EngineMessage(string body)
    {
        var text = body.Trim();
        if (text.StartsWith('{'))
        {
            try
            {
                using var json = JsonDocument.Parse(text);
                if (json.RootElement.ValueKind == JsonValueKind.Object
                    && json.RootElement.TryGetProperty("message", out var m) && m.GetString() is { Length: > 0 } message)
                    text = message.Trim();
            }
            catch (JsonException)
            {
                // not Docker's error shape: show the text
            }
        }
        if (text.Length == 0) return "the engine gave no details";
        return text.Length <= MaxDetailLength ? text : text[..MaxDetailLength] + "…";
    }

    // The socket or TLS error at the bottom says what is wrong ("Connection refused", "No such file or directory",
    // "The remote certificate is invalid ..."); the wrappers above it only say "see inner exception".
    private static IEnumerable<Exception> Chain(Exception? e)
    {
        for (; e is not null; e = e.InnerException) yield return e;
    }

    private static Exception Innermost(Exception e)
    {
        while (e.InnerException is not null) e = e.InnerException;
        return e;
    }
}
