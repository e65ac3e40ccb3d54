using System.Reflection;
using System.Runtime.Serialization;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Docker.DotNet.Models;

namespace ExApps.Deployer.Tests;

/// <summary>Docker.DotNet's models as the Engine API spells them (its own serializer is internal): property names
/// from the models' attributes, enums by their Engine API names, and only what was set (defaults and the empty
/// strings the models start with are left out, so a test sees the fields the deployer chose).</summary>
public static class DockerJson
{
    public static readonly JsonSerializerOptions Options = new()
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingDefault,
        Converters = { new EnumMemberConverter<RestartPolicyKind>() },
        TypeInfoResolver = new DefaultJsonTypeInfoResolver { Modifiers = { SkipEmptyStrings } },
    };

    private static void SkipEmptyStrings(JsonTypeInfo type)
    {
        foreach (var property in type.Properties.Where(p => p.PropertyType == typeof(string)))
            property.ShouldSerialize = (_, value) => !string.IsNullOrEmpty((string?)value);
    }

    private sealed class EnumMemberConverter<T> : JsonConverter<T> where T : struct, Enum
    {
        private static readonly Dictionary<T, string> Names = Enum.GetValues<T>().ToDictionary(v => v,
            v => typeof(T).GetField(v.ToString())!.GetCustomAttribute<EnumMemberAttribute>()?.Value ?? v.ToString());

        public override T Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            var text = reader.GetString();
            return Names.First(p => p.Value == text).Key;
        }

        public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options) =>
            writer.WriteStringValue(Names[value]);
    }
}
