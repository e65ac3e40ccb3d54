using System.Text.RegularExpressions;
using ExApps.ServiceDefaults.Security;

namespace ExApps.Gateway.Ocs;

/// <summary>Rules for what an ExApp sends to the OCS routes: values are checked where they enter, with a 400 that
/// names the parameter, so nothing malformed reaches the bus, the database or a log line.</summary>
public static partial class ExAppInput
{
    /// <summary>status.error is shown by app:list and UIs; AppAPI has no bound, a few KiB hold any real message.</summary>
    public const int MaxStatusErrorLength = 4096;

    /// <summary>One log line; longer messages are refused (the whole body is bounded by Limits:MaxOcsBodyBytes).</summary>
    public const int MaxLogMessageLength = 16 * 1024;

    /// <summary><c>PUT ex-app/status</c>: <c>progress</c> is plain decimal digits from 0 to 100 (no sign, space or
    /// fraction: <c>" 100"</c> and <c>"+100"</c> are refused), <c>error</c> at most
    /// <see cref="MaxStatusErrorLength"/> characters without NUL; other control characters are stored as visible
    /// escapes. Returns the problem, or null.</summary>
    public static string? StatusReport(OcsParameters p, out int progress, out string error)
    {
        error = "";
        var text = p["progress"];
        if (text is null || !Digits().IsMatch(text) || !int.TryParse(text, out progress) || progress > 100)
        {
            progress = 0;
            return $"`progress` must be an integer from 0 to 100, got \"{SafeText.ForLog(text, 40)}\".";
        }
        var raw = p["error"] ?? "";
        if (raw.Length > MaxStatusErrorLength) return $"`error` must be at most {MaxStatusErrorLength} characters, got {raw.Length}.";
        if (SafeText.HasNul(raw)) return "`error` must not contain NUL characters.";
        error = SafeText.EscapeControls(raw);
        return null;
    }

    /// <summary><c>POST api/v1/log</c>: the message as it may be logged (escaped), or the problem.</summary>
    public static string? LogMessage(string? message, out string escaped)
    {
        escaped = "";
        message ??= "";
        if (message.Length > MaxLogMessageLength) return $"`message` must be at most {MaxLogMessageLength} characters, got {message.Length}.";
        escaped = SafeText.ForLog(message, MaxLogMessageLength);
        return null;
    }

    [GeneratedRegex(@"\A[0-9]{1,3}\z")]
    private static partial Regex Digits();
}
