using System.Text.Json;
using ExApps.Cli.Api;

namespace ExApps.Cli.Tests;

/// <summary>Builds API answers from JSON, exactly as the CLI reads them off the wire.</summary>
public static class TestData
{
    public static AppView App(string json) => JsonSerializer.Deserialize<AppView>(json, Json.Api)!;

    public static AppView App(int deploy, int init, string action, string error = "", bool enabled = false, long initStart = 0,
        string? operation = null) =>
        App($$$"""
            {"appid":"hello","name":"Hello","version":"1.0.0","daemon_config_name":"d","port":23000,"enabled":{{{(enabled ? "true" : "false")}}},
             "status":{"deploy":{{{deploy}}},"init":{{{init}}},"action":"{{{action}}}","type":"install","error":"{{{error}}}",
                       "deploy_start_time":1,"init_start_time":{{{initStart}}},"heartbeat_count":0},
             "operation":{{{(operation is null ? "null" : "\"" + operation + "\"")}}}}
            """);

    public static JsonElement Element(string json) => JsonDocument.Parse(json).RootElement.Clone();
}
