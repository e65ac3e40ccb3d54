using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace ExApps.EndToEnd.Tests.Security;

/// <summary>Hostile values an authenticated ExApp (or an admin through the admin OCS routes) sends to the gateway:
/// refused with a 400 naming the parameter, nothing stored, and an ExApp's log text escaped.</summary>
[Collection(SecurityCollection.Name)]
public sealed class HostileExAppTests(SecurityFixture fx)
{
    private static string Ocs(SecurityFixture fx, string route) => $"{fx.Url}/ocs/v2.php/apps/app_api/{route}";

    private static HostileCase Call(string name, string field, HttpMethod method, string route, string json, string user = "",
        string version = "1.0.0") =>
        new(name, fx => GatewayHttp.ExApp(method, Ocs(fx, route) + "?format=json", fx.AppId, SecurityFixture.Secret, user, json, version), 400, field);

    private static HostileCase Status(string name, string field, string json) => Call(name, field, HttpMethod.Put, "ex-app/status", json);

    private static HostileCase AdminOcs(string name, string field, string json) =>
        new(name, fx =>
        {
            var req = new HttpRequestMessage(HttpMethod.Post, Ocs(fx, $"api/v1/ex-app/request/{fx.AppId}") + "?format=json")
            {
                Content = new StringContent(json, Encoding.UTF8, "application/json"),
            };
            req.Headers.Authorization = new("Bearer", PlatformFixture.AdminToken);
            req.Headers.TryAddWithoutValidation("OCS-APIRequest", "true");
            return req;
        }, 400, field);

    private static string Json(params (string Key, JsonNode? Value)[] values) => new JsonObject(values.Select(v => KeyValuePair.Create(v.Key, v.Value))).ToJsonString();

    public static readonly HostileCase[] Cases =
    [
        // 10. progress: plain digits only
        Status("progress \" 100\"", "progress", Json(("progress", " 100"))),
        Status("progress \"+100\"", "progress", Json(("progress", "+100"))),
        Status("progress \"1e2\"", "progress", Json(("progress", "1e2"))),
        Status("progress 50.5", "progress", """{"progress":50.5}"""),
        Status("progress 101", "progress", Json(("progress", 101))),
        Status("progress -1", "progress", Json(("progress", -1))),
        // 6. / 7. status.error
        Status("status error of 100 KB", "error", Json(("progress", 10), ("error", new string('e', 100_000)))),
        Status("status error with NUL", "error", Json(("progress", 10), ("error", "boom\0"))),
        // 6. log messages
        Call("log message of 100 KB", "message", HttpMethod.Post, "api/v1/log", Json(("level", 1), ("message", new string('m', 100_000)))),
        // 1. a version raised through EX-APP-VERSION
        Call("EX-APP-VERSION with a semicolon", "EX-APP-VERSION", HttpMethod.Get, "ex-app/state", "{}", version: "9.0.0;x"),
        Call("EX-APP-VERSION with a space", "EX-APP-VERSION", HttpMethod.Get, "ex-app/state", "{}", version: "9.0.0 beta"),
        Call("EX-APP-VERSION of 40 characters", "EX-APP-VERSION", HttpMethod.Get, "ex-app/state", "{}", version: "9." + new string('9', 38)),
        Call("EX-APP-VERSION with markup", "EX-APP-VERSION", HttpMethod.Get, "ex-app/state", "{}", version: "9.9.9<script>"),
        // 7. NUL in config and preferences
        Call("config key with NUL", "configKey", HttpMethod.Post, "api/v1/ex-app/config", Json(("configKey", "k\0"), ("configValue", "v"))),
        Call("config value with NUL", "configValue", HttpMethod.Post, "api/v1/ex-app/config", Json(("configKey", "k"), ("configValue", "v\0"))),
        Call("config key of 65 characters", "configKey", HttpMethod.Post, "api/v1/ex-app/config", Json(("configKey", new string('k', 65)), ("configValue", "v"))),
        Call("config keys to read with NUL", "configKeys", HttpMethod.Post, "api/v1/ex-app/config/get-values", """{"configKeys":["a","b\u0000"]}"""),
        Call("preference for a user id with NUL", "AUTHORIZATION-APP-API", HttpMethod.Post, "api/v1/ex-app/preference",
            Json(("configKey", "k"), ("configValue", "v")), user: "al\0ice"),
        Call("preference for a user id with CRLF", "AUTHORIZATION-APP-API", HttpMethod.Post, "api/v1/ex-app/preference",
            Json(("configKey", "k"), ("configValue", "v")), user: "alice\r\nX-Injected"),
        Call("preference for a user id of 65 characters", "AUTHORIZATION-APP-API", HttpMethod.Post, "api/v1/ex-app/preference",
            Json(("configKey", "k"), ("configValue", "v")), user: new string('u', 65)),
        // Registrations (docs/registrations.md): paths become proxied or called paths, texts become Nextcloud UI
        Call("file action handler with CRLF", "actionHandler", HttpMethod.Post, "api/v1/ui/files-actions-menu",
            Json(("name", "a"), ("displayName", "A"), ("actionHandler", "h\r\nX-Injected: 1"))),
        Call("file action icon outside the app", "icon", HttpMethod.Post, "api/v2/ui/files-actions-menu",
            Json(("name", "a"), ("displayName", "A"), ("actionHandler", "h"), ("icon", "../../../../etc/passwd"))),
        Call("top menu name with NUL", "name", HttpMethod.Post, "api/v1/ui/top-menu", Json(("name", "m\0"), ("displayName", "M"))),
        Call("initial state value of 100 KB", "value", HttpMethod.Post, "api/v1/ui/initial-state",
            Json(("type", "top_menu"), ("name", "m"), ("key", "k"), ("value", new JsonObject { ["big"] = new string('v', 100_000) }))),
        Call("script path with an encoded slash", "path", HttpMethod.Post, "api/v1/ui/script",
            Json(("type", "top_menu"), ("name", "m"), ("path", "js%2F..%2F..%2Fx"))),
        Call("settings form without an id", "formScheme.id", HttpMethod.Post, "api/v1/ui/settings", """{"formScheme":{"title":"t"}}"""),
        Call("occ argument mode with CRLF", "arguments[0].mode", HttpMethod.Post, "api/v1/occ_command",
            """{"name":"a:b","description":"d","execute_handler":"x","arguments":[{"name":"n","mode":"required\r\nX","description":""}]}"""),
        Call("task processing provider id with NUL", "provider.id", HttpMethod.Post, "api/v1/ai_provider/task_processing",
            """{"provider":{"id":"p\u0000","name":"P","task_type":"t","expected_runtime":1}}"""),
        Call("talk bot route to another host", "route", HttpMethod.Post, "api/v1/talk_bot", Json(("name", "B"), ("route", "http://evil.example/x"), ("description", "d"))),
        Call("events listener handler with a back slash", "actionHandler", HttpMethod.Post, "api/v1/events_listener",
            Json(("eventType", "node_event"), ("actionHandler", "..\\x"))),
        Call("notification subject with an escape sequence", "params.subject_params.rich_subject", HttpMethod.Post, "api/v1/notification",
            Json(("params", new JsonObject { ["object"] = "o", ["object_id"] = "1", ["subject_type"] = "s",
                ["subject_params"] = new JsonObject { ["rich_subject"] = "\u001b[31mred" } })), user: "alice"),
        // 8. the admin OCS request route builds a URL and headers from its parameters
        AdminOcs("ex-app/request route with CRLF", "route", Json(("route", "/api/x\r\nX-Injected: 1"), ("method", "GET"))),
        AdminOcs("ex-app/request route with a path parameter", "route", Json(("route", "/static/..;/admin/x"), ("method", "GET"))),
        AdminOcs("ex-app/request route with an encoded slash", "route", Json(("route", "/api%2F..%2Fadmin"), ("method", "GET"))),
        AdminOcs("ex-app/request user id with CRLF", "userId", Json(("route", "/api/echo"), ("method", "GET"), ("userId", "bob\r\nX-Injected: 1"))),
        AdminOcs("ex-app/request method with CRLF", "method", Json(("route", "/api/echo"), ("method", "GET\r\nX-Injected: 1"))),
    ];

    public static TheoryData<string> Names => new(Cases.Select(c => c.Name));

    [Theory]
    [MemberData(nameof(Names))]
    public async Task Hostile_exapp_input_is_refused_naming_the_parameter_and_nothing_is_stored(string name)
    {
        using var http = GatewayHttp.From("127.0.0.41");
        await Hostile.RunAsync(fx, http, "ExApp OCS", Cases.Single(c => c.Name == name));
        await fx.AssertNothingInjectedAsync();
    }

    [Fact]
    public async Task Ansi_escapes_and_line_breaks_from_an_exapp_log_message_are_escaped_in_the_log()
    {
        using var http = GatewayHttp.From("127.0.0.42");
        var marker = Guid.NewGuid().ToString("N");
        using var r = await http.SendAsync(GatewayHttp.ExApp(HttpMethod.Post, Ocs(fx, "api/v1/log") + "?format=json", fx.AppId, SecurityFixture.Secret,
            json: Json(("level", 2), ("message", $"{marker} \u001b[31mred\u001b[0m\r\n12:00:00.000 crit: forged line"))));
        fx.Ledger.Record("ExApp OCS", "log message with ANSI escapes and CRLF", (int)r.StatusCode, false);
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        var log = await File.ReadAllTextAsync(fx.Service("gateway-sec").LogPath);
        var line = log.Split('\n').Single(l => l.Contains(marker));
        Assert.Contains(@"\u001b[31mred\u001b[0m\r\n12:00:00.000 crit: forged line", line);
        Assert.DoesNotContain('\u001b', line);
    }
}
