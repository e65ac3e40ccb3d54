using System.Text.Json;
using System.Text.Json.Nodes;
using static ExApps.Gateway.Ocs.Registrations.RegistrationInput;

namespace ExApps.Gateway.Ocs.Registrations;

/// <summary><c>POST api/v1/ai_provider/task_processing</c> <c>{provider, customTaskType}</c>: AppAPI's
/// validateTaskProcessingProvider, with its messages (prefixed by the field they are about), plus the custom task type's
/// fields that Nextcloud reads when it builds the task type.</summary>
public static class TaskProcessingSpec
{
    public static RegistrationSpec Parse(OcsParameters p)
    {
        var provider = Json(p, "provider", required: true) as JsonObject ?? throw new OcsRequestException("`provider` must be a JSON object.");
        var custom = Json(p, "customTaskType", required: false) as JsonObject;
        var id = Str(provider, "id");
        var name = Str(provider, "name");
        var taskType = Str(provider, "task_type");
        CheckText("provider.id", id, 255);
        CheckText("provider.name", name, 255);
        CheckText("provider.task_type", taskType, 255);
        if (custom is not null && (custom["id"] as JsonValue)?.ToString() != taskType)
            throw new OcsRequestException("`customTaskType.id`: Task type and custom task type must be the same if custom task type is provided");
        if (provider["expected_runtime"] is not JsonValue rt || rt.GetValueKind() != JsonValueKind.Number || !rt.TryGetValue<long>(out _))
            throw new OcsRequestException("`provider.expected_runtime`: \"expected_runtime\" key must be an integer");
        foreach (var shape in new[] { "optional_input_shape", "optional_output_shape" })
            if (!EveryElementHasKeys(provider[shape], ["name", "description", "shape_type"]))
                throw new OcsRequestException($"`provider.{shape}`: \"{shape}\" should be an array and must have \"name\", \"description\" and \"shape_type\" keys");
        foreach (var enums in new[] { "input_shape_enum_values", "optional_input_shape_enum_values", "output_shape_enum_values", "optional_output_shape_enum_values" })
            if (!EveryPropertyHasKeys(provider[enums], ["name", "value"]))
                throw new OcsRequestException($"`provider.{enums}`: \"{enums}\" should be an array and must have \"name\" and \"value\" keys");
        foreach (var defaults in new[] { "input_shape_defaults", "optional_input_shape_defaults" })
            if (provider[defaults] is not (JsonObject or JsonArray))
                throw new OcsRequestException($"`provider.{defaults}`: \"{defaults}\" key must be an array");
        if (custom is not null)
        {
            Str(custom, "name", "customTaskType");
            Str(custom, "description", "customTaskType");
            foreach (var shape in new[] { "input_shape", "output_shape" })
                if (!EveryElementHasKeys(custom[shape], ["name", "description", "shape_type"]))
                    throw new OcsRequestException($"`customTaskType.{shape}`: \"{shape}\" should be an array and must have \"name\", \"description\" and \"shape_type\" keys");
        }
        return new("task_processing_provider", [id], new JsonObject
        {
            ["name"] = id,
            ["display_name"] = name,
            ["task_type"] = taskType,
            // AppAPI keeps both as JSON text columns and answers them so.
            ["provider"] = provider.ToJsonString(),
            ["custom_task_type"] = custom?.ToJsonString() ?? "null",
        });
    }

    private static string Str(JsonObject o, string key, string field = "provider") =>
        o[key] is JsonValue v && v.TryGetValue<string>(out var s) ? s : throw new OcsRequestException($"`{field}.{key}`: \"{key}\" key must be a string");

    /// <summary>A list whose every element is an object with <paramref name="keys"/> (PHP's empty array may come as {}).</summary>
    private static bool EveryElementHasKeys(JsonNode? node, string[] keys) => node switch
    {
        JsonObject { Count: 0 } => true,
        JsonArray list => list.All(e => e is JsonObject o && keys.All(o.ContainsKey)),
        _ => false,
    };

    /// <summary>An object of lists (name -> enum values), every value an object with <paramref name="keys"/>.</summary>
    private static bool EveryPropertyHasKeys(JsonNode? node, string[] keys) => node switch
    {
        JsonArray { Count: 0 } => true,
        JsonObject o => o.All(kv => kv.Value is JsonArray list && list.All(e => e is JsonObject item && keys.All(item.ContainsKey))),
        _ => false,
    };
}
