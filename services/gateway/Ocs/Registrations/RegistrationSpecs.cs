using System.Text.Json.Nodes;
using static ExApps.Gateway.Ocs.Registrations.RegistrationInput;

namespace ExApps.Gateway.Ocs.Registrations;

/// <summary>What one registration request stores: its kind, the parts that identify it, and AppAPI's fields (the
/// column names of AppAPI's entity, so that a read answers AppAPI's shape).</summary>
public sealed record RegistrationSpec(string Kind, string[] Key, JsonObject Data);

/// <summary>AppAPI's request shapes per kind (nextcloud/app_api lib/Controller: OCSUiController, OCSSettingsController,
/// OccCommandController, TaskProcessingController, EventsListenerController), with AppAPI's defaults and its column
/// sizes as bounds (docs/registrations.md lists them).</summary>
public static class RegistrationSpecs
{
    /// <summary><c>POST api/v1|v2/ui/files-actions-menu</c>: the v2 route stores version 2.0 (Nextcloud passes the
    /// selected files to the handler differently).</summary>
    public static RegistrationSpec FileAction(OcsParameters p, string version)
    {
        var name = Text(p, "name", 64);
        return new("files_actions_menu", [name], new JsonObject
        {
            ["name"] = name,
            ["display_name"] = Text(p, "displayName", 64),
            ["mime"] = Text(p, "mime", 1024, "file"),
            ["permissions"] = Int(p, "permissions", 31, 0, 31).ToString(),
            ["order"] = Int(p, "order", 0),
            ["icon"] = Path(p, "icon", 255, ""),
            ["action_handler"] = Path(p, "actionHandler", 64),
            ["version"] = version,
            ["default_action"] = null,
        });
    }

    public static RegistrationSpec TopMenu(OcsParameters p)
    {
        var name = Text(p, "name", 32);
        return new("top_menu", [name], new JsonObject
        {
            ["name"] = name,
            ["display_name"] = Text(p, "displayName", 32),
            ["icon"] = Path(p, "icon", 255, ""),
            ["admin_required"] = Int(p, "adminRequired", 0, 0, 1),
        });
    }

    public static RegistrationSpec InitialState(OcsParameters p)
    {
        var key = InitialStateKey(p);
        return new("initial_state", key, new JsonObject
        {
            ["type"] = key[0], ["name"] = key[1], ["key"] = key[2],
            ["value"] = Json(p, "value", required: true, allowArray: true),
        });
    }

    public static string[] InitialStateKey(OcsParameters p) => [Text(p, "type", 16), Text(p, "name", 32), Text(p, "key", 64)];

    public static RegistrationSpec Script(OcsParameters p)
    {
        var key = AssetKey(p);
        return new("script", key, new JsonObject
        {
            ["type"] = key[0], ["name"] = key[1], ["path"] = key[2],
            ["after_app_id"] = Text(p, "afterAppId", 32, ""),
        });
    }

    public static RegistrationSpec Style(OcsParameters p)
    {
        var key = AssetKey(p);
        return new("style", key, new JsonObject { ["type"] = key[0], ["name"] = key[1], ["path"] = key[2] });
    }

    /// <summary>A script or style: type, name and path (without leading '/', as AppAPI matches it).</summary>
    public static string[] AssetKey(OcsParameters p) => [Text(p, "type", 16), Text(p, "name", 32), Path(p, "path", 410)];

    /// <summary><c>POST api/v1/ui/settings</c> <c>{formScheme}</c>: Nextcloud's declarative settings form; its
    /// <c>id</c> names it and AppAPI makes its storage external (values are kept by the ExApp).</summary>
    public static RegistrationSpec SettingsForm(OcsParameters p)
    {
        var scheme = (JsonObject)Json(p, "formScheme", required: true)!;
        if (scheme["id"] is not JsonValue idValue || !idValue.TryGetValue<string>(out var id))
            throw new OcsRequestException("`formScheme.id` must be a string.");
        CheckText("formScheme.id", id, 64);
        scheme["storage_type"] = "external";
        return new("settings_form", [id], new JsonObject { ["formid"] = id, ["scheme"] = scheme.DeepClone() });
    }

    public static RegistrationSpec OccCommand(OcsParameters p)
    {
        var name = Text(p, "name", 64);
        return new("occ_command", [name], new JsonObject
        {
            ["name"] = name,
            ["description"] = Text(p, "description", 255),
            ["hidden"] = Bool(p, "hidden", false),
            ["arguments"] = CommandInputs(p, "arguments", ["required", "optional", "array"]),
            ["options"] = CommandInputs(p, "options", ["required", "optional", "array", "negatable", "none"]),
            ["usages"] = new JsonArray([.. Strings(p, "usages", 32, 255).Select(u => (JsonNode?)u)]),
            ["execute_handler"] = Path(p, "execute_handler", 410),
        });
    }

    /// <summary>An occ command's arguments or options: Nextcloud builds a Symfony command from them at boot, so a
    /// malformed entry would break every occ call; each needs a <c>name</c>, a known <c>mode</c>, a <c>description</c>.</summary>
    private static JsonArray CommandInputs(OcsParameters p, string field, string[] modes)
    {
        var node = Json(p, field, required: false, allowArray: true) ?? new JsonArray();
        if (node is JsonObject { Count: 0 }) node = new JsonArray();
        if (node is not JsonArray list) throw new OcsRequestException($"`{field}` must be a list.");
        if (list.Count > 32) throw new OcsRequestException($"`{field}` must have at most 32 items.");
        for (var i = 0; i < list.Count; i++)
        {
            if (list[i] is not JsonObject item) throw new OcsRequestException($"`{field}[{i}]` must be an object.");
            CheckText($"{field}[{i}].name", StringOf(item, "name", $"{field}[{i}].name"), 64);
            var mode = StringOf(item, "mode", $"{field}[{i}].mode");
            if (!modes.Contains(mode)) throw new OcsRequestException($"`{field}[{i}].mode` must be one of {string.Join(", ", modes)}.");
            CheckText($"{field}[{i}].description", StringOf(item, "description", $"{field}[{i}].description"), 1024, required: false);
        }
        return list;
    }

    public static RegistrationSpec EventsListener(OcsParameters p)
    {
        var type = Text(p, "eventType", 32);
        return new("events_listener", [type], new JsonObject
        {
            ["event_type"] = type,
            ["event_subtypes"] = new JsonArray([.. Strings(p, "eventSubtypes", 64, 255).Select(s => (JsonNode?)s)]),
            ["action_handler"] = Path(p, "actionHandler", 410),
        });
    }

    internal static string StringOf(JsonObject o, string key, string field) =>
        o[key] is JsonValue v && v.TryGetValue<string>(out var s) ? s : throw new OcsRequestException($"`{field}` must be a string.");
}
