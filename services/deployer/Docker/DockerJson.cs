using System.Text.Json;
using System.Text.Json.Serialization;

namespace ExApps.Deployer.Docker;

public static class DockerJson
{
    /// <summary>Docker's own (Pascal case) names on write, without nulls; case-insensitive on read.</summary>
    public static readonly JsonSerializerOptions Options = new()
    {
        PropertyNameCaseInsensitive = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };
}
