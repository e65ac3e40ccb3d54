using System.Text.Json;
using System.Text.Json.Nodes;
using ExApps.Cli.Api;

namespace ExApps.Cli.Output;

/// <summary>Both forms of <c>daemon:list</c>: the plain table and the API's JSON with passwords masked.</summary>
public static class DaemonFormatter
{
    public static readonly string[] Headers =
        ["Def", "Name", "Display name", "Deploy ID", "Protocol", "Host", "Net", "Compute device", "NC Url"];

    public static string Table(IReadOnlyList<DaemonView> daemons) =>
        TextTable.Render(Headers, daemons.Select(d => (IReadOnlyList<string>)
        [
            d.IsDefault ? "*" : "",
            d.Name,
            d.DisplayName,
            d.DeployId,
            d.Protocol,
            d.Host,
            d.Net,
            d.ComputeDevice,
            d.NextcloudUrl,
        ]).ToList());

    /// <summary>
    /// The API's list as JSON. The API already masks <c>haproxy_password</c> as <c>***</c>; masking again here
    /// means a mistake on the server side still never puts a password on a terminal or in a CI log.
    /// </summary>
    public static string Json(JsonElement daemons, bool pretty)
    {
        var node = JsonNode.Parse(daemons.GetRawText());
        if (node is JsonArray array)
        {
            foreach (var daemon in array)
            {
                if (daemon?["deploy_config"] is JsonObject config
                    && config["haproxy_password"] is JsonValue password
                    && password.TryGetValue<string>(out var value) && value.Length > 0)
                    config["haproxy_password"] = "***";
            }
        }
        return node?.ToJsonString(Api.Json.Print(pretty)) ?? "[]";
    }
}
