using ExApps.ServiceDefaults.Security;

namespace ExApps.Registry.Validation;

/// <summary>status.error is text from outside (an ExApp's report or answer, a Docker error): stored bounded and with
/// control characters escaped, so one app cannot store megabytes or put terminal escapes into app:list.</summary>
public static class StatusText
{
    public const int MaxErrorLength = 4096;

    public static string Bound(string? error)
    {
        if (string.IsNullOrEmpty(error)) return "";
        var escaped = SafeText.EscapeControls(error);
        return escaped.Length <= MaxErrorLength ? escaped : escaped[..(MaxErrorLength - 20)] + " …(truncated)";
    }
}
