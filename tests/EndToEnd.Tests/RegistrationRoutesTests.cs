using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace ExApps.EndToEnd.Tests;

/// <summary>AppAPI's registration routes on the running platform, called by the test ExApp itself (its
/// <c>/test/call</c> makes each call with the app's own AppAPI credentials, in AppAPI's request shapes): every kind is
/// registered, read, listed by the admin API and removed; bad fields answer 400 naming them, unknown names 404; all
/// of an app's registrations go with <c>app:unregister</c>.</summary>
[Collection(GatewayCollection.Name)]
public sealed class RegistrationRoutesTests(GatewayFixture gw)
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(60) };

    /// <summary>One kind: its route, a registration in AppAPI's shape, the query that names it, what a read must
    /// show, and a bad registration with the field its 400 must name.</summary>
    public sealed record Kind(string Name, string Route, string Register, string Query, Action<JsonElement> Check,
        string BadRegister, string BadField, string NotFound);

    public static readonly Kind[] Kinds =
    [
        new("files_actions_menu", "api/v1/ui/files-actions-menu",
            """{"name":"act","displayName":"Act on it","actionHandler":"/handle","icon":"/img/a.svg","mime":"image/png","permissions":31,"order":2}""",
            "name=act", d => { Assert.Equal("Act on it", d.GetProperty("display_name").GetString()); Assert.Equal("handle", d.GetProperty("action_handler").GetString()); Assert.Equal("1.0", d.GetProperty("version").GetString()); },
            """{"name":"act","actionHandler":"/handle"}""", "displayName", "FileActionMenu not found"),
        new("top_menu", "api/v1/ui/top-menu", """{"name":"menu","displayName":"Menu","icon":"img/m.svg","adminRequired":1}""",
            "name=menu", d => { Assert.Equal("Menu", d.GetProperty("display_name").GetString()); Assert.Equal(1, d.GetProperty("admin_required").GetInt32()); },
            """{"name":"menu","displayName":"Menu","adminRequired":5}""", "adminRequired", "No such Top Menu entry"),
        new("initial_state", "api/v1/ui/initial-state", """{"type":"top_menu","name":"menu","key":"k1","value":{"a":1,"b":[1,2]}}""",
            "type=top_menu&name=menu&key=k1", d => Assert.Equal(1, d.GetProperty("value").GetProperty("a").GetInt32()),
            """{"type":"top_menu","name":"menu","key":"k1","value":"not an array"}""", "value", "No such InitialState"),
        new("script", "api/v1/ui/script", """{"type":"top_menu","name":"menu","path":"/js/app","afterAppId":"files"}""",
            "type=top_menu&name=menu&path=js/app", d => { Assert.Equal("js/app", d.GetProperty("path").GetString()); Assert.Equal("files", d.GetProperty("after_app_id").GetString()); },
            """{"type":"top_menu","name":"menu","path":"../../etc/passwd"}""", "path", "No such Script"),
        new("style", "api/v1/ui/style", """{"type":"top_menu","name":"menu","path":"css/app"}""",
            "type=top_menu&name=menu&path=css/app", d => Assert.Equal("css/app", d.GetProperty("path").GetString()),
            """{"type":"top_menu","name":"menu"}""", "path", "No such Style"),
        new("settings_form", "api/v1/ui/settings",
            """{"formScheme":{"id":"form1","priority":10,"section_type":"admin","section_id":"ai","title":"Settings","fields":[{"id":"f","title":"F","type":"text","default":""}]}}""",
            "formId=form1", d => { Assert.Equal("form1", d.GetProperty("id").GetString()); Assert.Equal("external", d.GetProperty("storage_type").GetString()); },
            """{"formScheme":{"title":"no id"}}""", "formScheme.id", "No such settings form"),
        new("occ_command", "api/v1/occ_command",
            """{"name":"myapp:ping","description":"Ping","hidden":false,"arguments":[{"name":"who","mode":"required","description":"whom","default":null}],"options":[],"usages":["myapp:ping bob"],"execute_handler":"/occ/ping"}""",
            "name=myapp:ping", d => { Assert.Equal("occ/ping", d.GetProperty("execute_handler").GetString()); Assert.Equal("who", d.GetProperty("arguments")[0].GetProperty("name").GetString()); },
            """{"name":"myapp:ping","description":"Ping","arguments":[{"name":"who","mode":"sometimes","description":""}],"execute_handler":"/occ/ping"}""", "arguments[0].mode", "No such occ command"),
        new("task_processing_provider", "api/v1/ai_provider/task_processing", $$"""{"provider":{{Provider("\"core:text2text\"", "30")}},"customTaskType":null}""",
            "name=prov1", d => { Assert.Equal("Provider One", d.GetProperty("display_name").GetString()); Assert.Equal("core:text2text", d.GetProperty("task_type").GetString()); Assert.True(d.TryGetProperty("app_id", out _)); },
            $$"""{"provider":{{Provider("\"core:text2text\"", "\"soon\"")}}}""", "provider.expected_runtime", "No such task processing provider"),
        new("events_listener", "api/v1/events_listener", """{"eventType":"node_event","actionHandler":"/events","eventSubtypes":["NodeCreatedEvent"]}""",
            "eventType=node_event", d => Assert.Equal("NodeCreatedEvent", d.GetProperty("event_subtypes")[0].GetString()),
            """{"eventType":"node_event"}""", "actionHandler", "No such events listener"),
    ];

    private static string Provider(string taskType, string runtime) => $$"""
        {"id":"prov1","name":"Provider One","task_type":{{taskType}},"expected_runtime":{{runtime}},
         "optional_input_shape":[],"optional_output_shape":[],"input_shape_enum_values":[],"input_shape_defaults":[],
         "optional_input_shape_enum_values":[],"optional_input_shape_defaults":[],"output_shape_enum_values":[],
         "optional_output_shape_enum_values":[]}
        """;

    /// <summary>The ExApp at <paramref name="port"/> calls the platform; the answer's HTTP status and OCS envelope.</summary>
    public static async Task<(int Status, JsonElement Meta, JsonElement Data)> CallAsync(int port, string method, string path,
        string? body = null, string? user = null, string ocs = "v2")
    {
        using var res = await Http.PostAsJsonAsync($"http://127.0.0.1:{port}/test/call",
            new { method, path = path + (path.Contains('?') ? "&" : "?") + "format=json", body, user, ocs });
        res.EnsureSuccessStatusCode();
        var result = await res.Content.ReadFromJsonAsync<JsonElement>();
        var text = result.GetProperty("body").GetString()!;
        if (!text.StartsWith('{') || !JsonDocument.Parse(text).RootElement.TryGetProperty("ocs", out var ocsElement))
            throw new Xunit.Sdk.XunitException($"{method} {path}: no OCS envelope ({result.GetProperty("status").GetInt32()}): {text}");
        var envelope = ocsElement.Clone();
        return (result.GetProperty("status").GetInt32(), envelope.GetProperty("meta"), envelope.GetProperty("data"));
    }

    private async Task<JsonElement> ListAsync(string appId, string? kind = null)
    {
        var answer = await gw.AdminAsync(HttpMethod.Get, $"/admin/apps/{appId}/registrations" + (kind is null ? "" : $"?kind={kind}"), null);
        Assert.True(answer.Status == HttpStatusCode.OK, answer.Body);
        return answer.Json;
    }

    [Fact]
    public async Task Every_kind_is_registered_read_listed_and_removed_with_AppAPI_request_shapes()
    {
        var port = gw.ExAppPort;
        foreach (var k in Kinds)
        {
            var reg = await CallAsync(port, "POST", k.Route, k.Register);
            Assert.True(reg.Status == 200, $"{k.Name}: {reg.Status} {reg.Meta}");
            Assert.Equal(JsonValueKind.Array, reg.Data.ValueKind);

            var read = await CallAsync(port, "GET", $"{k.Route}?{k.Query}");
            Assert.True(read.Status == 200, $"{k.Name} read: {read.Status} {read.Meta}");
            k.Check(read.Data);

            var listed = await ListAsync(gw.AppId, k.Name);
            var row = Assert.Single(listed.EnumerateArray());
            Assert.Equal(gw.AppId, row.GetProperty("appid").GetString());
            Assert.True(row.GetProperty("app_enabled").GetBoolean());

            var bad = await CallAsync(port, "POST", k.Route, k.BadRegister);
            Assert.True(bad.Status == 400, $"{k.Name} bad: {bad.Status} {bad.Meta}");
            Assert.Contains($"`{k.BadField}`", bad.Meta.GetProperty("message").GetString());

            var removed = await CallAsync(port, "DELETE", $"{k.Route}?{k.Query}");
            Assert.True(removed.Status == 200, $"{k.Name} delete: {removed.Status} {removed.Meta}");
            var gone = await CallAsync(port, "GET", $"{k.Route}?{k.Query}");
            Assert.Equal(404, gone.Status);
            Assert.Equal(k.NotFound, gone.Meta.GetProperty("message").GetString());
            Assert.Equal(404, (await CallAsync(port, "DELETE", $"{k.Route}?{k.Query}")).Status);
            Assert.Empty((await ListAsync(gw.AppId, k.Name)).EnumerateArray());
        }
    }

    [Fact]
    public async Task V1_envelope_and_the_v2_file_action_route_answer_as_AppAPI()
    {
        var port = gw.ExAppPort;
        var v2 = await CallAsync(port, "POST", "api/v2/ui/files-actions-menu",
            """{"name":"act2","displayName":"Act two","actionHandler":"handle2"}""", ocs: "v1");
        Assert.Equal(200, v2.Status);
        Assert.Equal(100, v2.Meta.GetProperty("statuscode").GetInt32());
        var read = await CallAsync(port, "GET", "api/v1/ui/files-actions-menu?name=act2", ocs: "v1");
        Assert.Equal("2.0", read.Data.GetProperty("version").GetString());
        Assert.Equal("file", read.Data.GetProperty("mime").GetString());
        Assert.Equal("31", read.Data.GetProperty("permissions").GetString());
        // v1: HTTP 200 with the error in the envelope, as Nextcloud's OCS v1.
        var missing = await CallAsync(port, "GET", "api/v1/ui/files-actions-menu?name=nope", ocs: "v1");
        Assert.Equal(200, missing.Status);
        Assert.Equal(998, missing.Meta.GetProperty("statuscode").GetInt32());
        Assert.Equal(200, (await CallAsync(port, "DELETE", "api/v1/ui/files-actions-menu?name=act2")).Status);
    }

    [Fact]
    public async Task Setup_checks_opt_in_and_out_and_only_enabled_apps_may_register()
    {
        var port = gw.ExAppPort;
        Assert.Equal(200, (await CallAsync(port, "POST", "api/v1/setup_checks")).Status);
        Assert.Single((await ListAsync(gw.AppId, "setup_check")).EnumerateArray());
        Assert.Equal(200, (await CallAsync(port, "DELETE", "api/v1/setup_checks")).Status);
        Assert.Empty((await ListAsync(gw.AppId, "setup_check")).EnumerateArray());
        // AppAPI's opt-out answers [] also when the app had not opted in.
        Assert.Equal(200, (await CallAsync(port, "DELETE", "api/v1/setup_checks")).Status);

        using var http = GatewayHttp.From("127.0.0.45");
        using var disabled = await http.SendAsync(GatewayHttp.ExApp(HttpMethod.Post, $"{gw.Url}/ocs/v2.php/apps/app_api/api/v1/ui/top-menu?format=json",
            gw.DisabledAppId, GatewayFixture.Secret, json: """{"name":"m","displayName":"M"}"""));
        Assert.Equal(HttpStatusCode.Unauthorized, disabled.StatusCode);
        Assert.Empty((await gw.AdminAsync(HttpMethod.Get, $"/admin/apps/{gw.DisabledAppId}/registrations", null)).Json.EnumerateArray());
        Assert.Equal(HttpStatusCode.BadRequest, (await gw.AdminAsync(HttpMethod.Get, "/admin/registrations?kind=widget", null)).Status);
    }

    [Fact]
    public async Task Removing_a_top_menu_entry_removes_its_states_scripts_and_styles()
    {
        var port = gw.ExAppPort;
        foreach (var k in Kinds.Where(k => k.Name is "top_menu" or "initial_state" or "script" or "style"))
            Assert.Equal(200, (await CallAsync(port, "POST", k.Route, k.Register)).Status);
        Assert.Equal(200, (await CallAsync(port, "DELETE", "api/v1/ui/top-menu?name=menu")).Status);
        foreach (var kind in new[] { "top_menu", "initial_state", "script", "style" })
            Assert.Empty((await ListAsync(gw.AppId, kind)).EnumerateArray());
    }

    [Fact]
    public async Task Registrations_are_kept_across_an_update_and_disappear_with_app_unregister()
    {
        var appId = gw.AppPrefix + "reg";
        var port = GatewayFixture.FreePort();
        var exApp = gw.StartTestExApp(appId, port);
        try
        {
            var reg = await gw.Cli("app:register", appId, GatewayFixture.DaemonName, "--json-info", GatewayFixture.JsonInfo(appId, port), "--wait-finish");
            Assert.True(reg.ExitCode == 0, reg.ToString());
            foreach (var k in Kinds) Assert.Equal(200, (await CallAsync(port, "POST", k.Route, k.Register)).Status);
            Assert.Equal(200, (await CallAsync(port, "POST", "api/v1/talk_bot", """{"name":"Bot","route":"/bots/x","description":"d"}""")).Status);
            Assert.Equal(200, (await CallAsync(port, "POST", "api/v1/setup_checks")).Status);
            var before = await ListAsync(appId);
            var kinds = before.EnumerateArray().Select(r => r.GetProperty("kind").GetString()!).ToHashSet();
            Assert.Equal(Kinds.Select(k => k.Name).Append("talk_bot").Append("setup_check").ToHashSet(), kinds);

            // A manual install's update: the operator runs the new version, the platform disables, redeploys,
            // initializes and enables it; the registrations stay (AppAPI keeps them too).
            exApp.Kill(entireProcessTree: true);
            exApp.Dispose();
            exApp = gw.StartTestExApp(appId, port, "1.0.1");
            var update = await gw.Cli("app:update", appId, "--json-info", GatewayFixture.JsonInfo(appId, port, "1.0.1"), "--wait-finish");
            Assert.True(update.ExitCode == 0, update + "\n" + gw.Logs());
            Assert.Equal("1.0.1", (await gw.GetAppAsync(appId)).GetProperty("version").GetString());
            var after = await ListAsync(appId);
            Assert.Equal(before.EnumerateArray().Select(r => (r.GetProperty("id").GetInt64(), r.GetProperty("kind").GetString())),
                after.EnumerateArray().Select(r => (r.GetProperty("id").GetInt64(), r.GetProperty("kind").GetString())));
            Assert.Equal(200, (await CallAsync(port, "GET", "api/v1/ui/top-menu?name=menu")).Status);

            var unregister = await gw.Cli("app:unregister", appId);
            Assert.True(unregister.ExitCode == 0, unregister.ToString());
            Assert.Equal(HttpStatusCode.NotFound, (await gw.AdminAsync(HttpMethod.Get, $"/admin/apps/{appId}/registrations", null)).Status);
            var all = await gw.AdminAsync(HttpMethod.Get, "/admin/registrations", null);
            Assert.DoesNotContain(all.Json.EnumerateArray(), r => r.GetProperty("appid").GetString() == appId);
        }
        finally
        {
            await gw.Cli("app:unregister", appId, "--force", "--silent");
            exApp.Kill(entireProcessTree: true);
            exApp.Dispose();
        }
    }
}
