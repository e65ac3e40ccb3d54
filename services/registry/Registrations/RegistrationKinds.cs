using System.Text.Json.Nodes;
using ExApps.Registry.Validation;

namespace ExApps.Registry.Registrations;

/// <summary>The kinds of registration and how many parts identify one (docs/registrations.md). The gateway checks
/// every field against AppAPI's rules; the registry checks again what it stores: a known kind, the key's arity and
/// bounds, and a bounded JSON object.</summary>
public static class RegistrationKinds
{
    public const string FilesActionsMenu = "files_actions_menu";
    public const string TopMenu = "top_menu";
    public const string InitialState = "initial_state";
    public const string Script = "script";
    public const string Style = "style";
    public const string SettingsForm = "settings_form";
    public const string OccCommand = "occ_command";
    public const string TalkBot = "talk_bot";
    public const string TaskProcessingProvider = "task_processing_provider";
    public const string EventsListener = "events_listener";
    public const string SetupCheck = "setup_check";

    /// <summary>Kind -> the names of its key parts.</summary>
    public static readonly IReadOnlyDictionary<string, string[]> KeyParts = new Dictionary<string, string[]>
    {
        [FilesActionsMenu] = ["name"],
        [TopMenu] = ["name"],
        [InitialState] = ["type", "name", "key"],
        [Script] = ["type", "name", "path"],
        [Style] = ["type", "name", "path"],
        [SettingsForm] = ["formid"],
        [OccCommand] = ["name"],
        [TalkBot] = ["route"],
        [TaskProcessingProvider] = ["name"],
        [EventsListener] = ["event_type"],
        [SetupCheck] = [],
    };

    /// <summary>The longest key part any kind has (a script's path, AppAPI's varchar(410); a Talk bot route 512).</summary>
    public const int MaxKeyPart = 512;

    /// <summary>One registration's JSON (a settings form, a task processing provider with its shapes).</summary>
    public const int MaxDataBytes = 256 * 1024;

    /// <summary>Separates key parts in the stored key; control characters are refused in parts, so it is unambiguous.</summary>
    public const char KeySeparator = '\u001f';

    public static string JoinKey(IReadOnlyList<string> parts) => string.Join(KeySeparator, parts);

    public static string[] SplitKey(string key, string kind) =>
        KeyParts.TryGetValue(kind, out var names) && names.Length == 0 ? [] : key.Split(KeySeparator);

    /// <summary>Field -> message for a 400, or null when the request may be stored.</summary>
    public static Dictionary<string, string[]>? Check(string kind, IReadOnlyList<string>? key, JsonNode? data, bool needsData)
    {
        if (!KeyParts.TryGetValue(kind, out var names))
            return new() { ["kind"] = [$"`kind` must be one of {string.Join(", ", KeyParts.Keys)}."] };
        if (key is null || key.Count != names.Length)
            return new() { ["key"] = [$"`key` of a {kind} must have {names.Length} parts ({string.Join(", ", names)})."] };
        for (var i = 0; i < key.Count; i++)
        {
            var field = $"key.{names[i]}";
            var problem = key[i] is null ? $"`{field}` is required." : FieldRules.Text(field, key[i], MaxKeyPart);
            if (problem is not null) return new() { [field] = [problem] };
        }
        if (!needsData) return null;
        if (data is not JsonObject) return new() { ["data"] = ["`data` must be a JSON object."] };
        if (System.Text.Encoding.UTF8.GetByteCount(data.ToJsonString()) > MaxDataBytes)
            return new() { ["data"] = [$"`data` must be at most {MaxDataBytes} bytes as JSON."] };
        return null;
    }
}
