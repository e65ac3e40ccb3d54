using System.Text.Json.Nodes;

namespace ExApps.EndToEnd.Tests.Security;

/// <summary>Hostile values through the admin API (json-info, info.xml, env, mounts, daemons, update): each is
/// refused where it enters, with the field named, and nothing is stored.</summary>
[Collection(SecurityCollection.Name)]
public sealed class HostileAdminApiTests(SecurityFixture fx)
{
    private const string Smuggle = "1.0.0\r\nX-A: 1\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: x\r\nX-Pad: ";
    private static readonly string TenMegabytes = new('v', 10 * 1024 * 1024);

    private static HostileCase App(string name, int status, string field, Action<JsonObject>? info = null, Action<JsonObject>? body = null)
    {
        var id = "sec-h" + (uint)name.GetHashCode() % 100000;
        return new(name, fx => fx.Admin(HttpMethod.Post, "admin/apps", Hostile.Registration(fx, id, info, body)), status, field);
    }

    private static HostileCase Raw(string name, int status, string field, string json) =>
        new(name, fx => fx.Admin(HttpMethod.Post, "admin/apps", json.Replace("{daemon}", SecurityFixture.DaemonName)), status, field);

    private static HostileCase Xml(string name, int status, string field, string xml) =>
        new(name, fx => fx.Admin(HttpMethod.Post, "admin/apps", new JsonObject
        {
            ["appid"] = "sec-xml", ["daemon"] = SecurityFixture.DaemonName, ["info_xml"] = xml,
        }.ToJsonString()), status, field);

    private static HostileCase Daemon(string name, string field, Action<JsonObject> tweak) =>
        new(name, fx =>
        {
            var d = new JsonObject
            {
                ["name"] = "sec_h_daemon", ["display_name"] = "Sec", ["accepts_deploy_id"] = "manual-install", ["protocol"] = "http",
                ["host"] = "127.0.0.1", ["nextcloud_url"] = fx.Url,
            };
            tweak(d);
            return fx.Admin(HttpMethod.Post, "admin/daemons", d.ToJsonString());
        }, 400, field);

    private static readonly string Bomb = """<!DOCTYPE info [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>""";
    private static readonly string Xxe = """<!DOCTYPE info [<!ENTITY x SYSTEM "file:///etc/passwd">]>""";

    public static readonly HostileCase[] Cases =
    [
        // 1. header injection / smuggling through values that become headers or URLs
        App("json-info version with CRLF and a smuggled request", 400, "version", i => i["version"] = Smuggle),
        App("json-info version with NUL", 400, "version", i => i["version"] = "1.0.0\0"),
        App("json-info version of 33 characters", 400, "version", i => i["version"] = new string('1', 33)),
        App("json-info version with a space", 400, "version", i => i["version"] = "1.0 beta"),
        Xml("info.xml version with CRLF (character references)", 400, "version",
            Hostile.InfoXml("sec-xml", "1.0.0&#13;&#10;X-A: 1&#13;&#10;&#13;&#10;GET /smuggled HTTP/1.1")),
        App("route headers_to_exclude with CRLF", 400, "headers_to_exclude", i => i["routes"] = new JsonArray(new JsonObject
        {
            ["url"] = "^/x", ["verb"] = "GET", ["access_level"] = "PUBLIC", ["headers_to_exclude"] = new JsonArray("x-a\r\nx-injected: 1"),
        })),
        App("route verb with CRLF", 400, "verb", i => i["routes"] = new JsonArray(new JsonObject
        {
            ["url"] = "^/x", ["verb"] = "GET\r\nX-Injected: 1", ["access_level"] = "PUBLIC",
        })),
        App("image with a query of its own", 400, "docker-install.image", i => i["docker-install"] = new JsonObject
        {
            ["image"] = "acme/app&fromSrc=http://evil.example/x",
        }),
        App("secret with CRLF", 400, "secret", i => i["secret"] = "secret\r\nX-Injected: 1"),
        App("app id with CRLF", 400, "appid", body: b => b["appid"] = "sec-x\r\nX-A: 1"),
        App("traversal app id", 400, "appid", body: b => b["appid"] = "../../etc"),
        App("app id of 33 characters", 400, "appid", body: b => b["appid"] = "sec-" + new string('a', 29)),
        App("name with NUL", 400, "name", i => i["name"] = "Evil\0App"),
        App("name with an ANSI escape", 400, "name", i => i["name"] = "\u001b[2JEvil"),
        App("name of 65 characters", 400, "name", i => i["name"] = new string('n', 65)),
        // 6. sizes
        App("json-info of 10 MB (version)", 413, "json_info", i => i["version"] = TenMegabytes),
        App("json-info of 10 MB (name)", 413, "json_info", i => i["name"] = TenMegabytes),
        Xml("inline info.xml of 10 MB", 413, "info_xml", Hostile.InfoXml("sec-xml", extra: $"<!--{TenMegabytes}-->")),
        App("5,000 routes", 400, "routes", i => i["routes"] = new JsonArray(Enumerable.Range(0, 5000)
            .Select(n => (JsonNode)new JsonObject { ["url"] = $"^/r{n}$", ["verb"] = "GET", ["access_level"] = "PUBLIC" }).ToArray())),
        App("route url of 600 characters", 400, "url", i => i["routes"] = new JsonArray(new JsonObject
        {
            ["url"] = "^/" + new string('a', 600), ["verb"] = "GET", ["access_level"] = "PUBLIC",
        })),
        App("200 declared variables", 400, "environment-variables", i => i["environment-variables"] = new JsonArray(Enumerable.Range(0, 200)
            .Select(n => (JsonNode)new JsonObject { ["name"] = $"V{n}" }).ToArray())),
        // already refused before: XML bombs, XXE, bad regexes
        Xml("XML bomb (entity expansion)", 400, "info_xml", Hostile.InfoXml("sec-xml", prolog: Bomb)),
        Xml("XXE (external entity)", 400, "info_xml", Hostile.InfoXml("sec-xml", prolog: Xxe)),
        Xml("not XML at all", 400, "info_xml", "\0\0\0 not xml"),
        App("invalid route regex", 400, "url", i => i["routes"] = new JsonArray(new JsonObject
        {
            ["url"] = "([", ["verb"] = "GET", ["access_level"] = "PUBLIC",
        })),
        // 10. environment variables
        App("declared variable named with '='", 400, "environment-variables[0].name",
            i => i["environment-variables"] = new JsonArray(new JsonObject { ["name"] = "A=B" })),
        App("declared variable named with a newline", 400, "environment-variables[0].name",
            i => i["environment-variables"] = new JsonArray(new JsonObject { ["name"] = "A\nB" })),
        App("declared variable named APP_SECRET", 400, "APP_SECRET",
            i => i["environment-variables"] = new JsonArray(new JsonObject { ["name"] = "APP_SECRET", ["default"] = "stolen" })),
        App("declared variable named NEXTCLOUD_URL", 400, "NEXTCLOUD_URL",
            i => i["environment-variables"] = new JsonArray(new JsonObject { ["name"] = "NEXTCLOUD_URL", ["default"] = "http://evil" })),
        App("declared variable default with NUL", 400, "environment-variables[0].default",
            i => i["environment-variables"] = new JsonArray(new JsonObject { ["name"] = "GREETING", ["default"] = "hi\0" })),
        App("env override of APP_SECRET", 400, "env.APP_SECRET", body: b => b["env"] = new JsonObject { ["APP_SECRET"] = "x" }),
        App("env override named with '='", 400, "env", body: b => b["env"] = new JsonObject { ["A=B"] = "x" }),
        App("env override named with a newline", 400, "env", body: b => b["env"] = new JsonObject { ["A\nB"] = "x" }),
        App("env override value with NUL", 400, "env.GREETING", body: b => b["env"] = new JsonObject { ["GREETING"] = "hi\0" }),
        // 7. NUL and type errors
        App("mount source with NUL", 400, "mounts[0].source", body: b => b["mounts"] = new JsonArray(new JsonObject
        {
            ["source"] = "/tmp\0/x", ["target"] = "/data", ["mode"] = "rw",
        })),
        App("registration naming a daemon with NUL", 400, "daemon", body: b => b["daemon"] = "sec\0manual"),
        Raw("appid is a number", 400, "appid", """{"appid":123,"daemon":"{daemon}","json_info":{"id":"x","version":"1.0.0"}}"""),
        Raw("env value is a number", 400, "env.GREETING", """{"appid":"sec-t1","daemon":"{daemon}","env":{"GREETING":5},"json_info":{"id":"sec-t1","version":"1.0.0"}}"""),
        Raw("mounts is a string", 400, "mounts", """{"appid":"sec-t2","daemon":"{daemon}","mounts":"/etc:/x","json_info":{"id":"sec-t2","version":"1.0.0"}}"""),
        Raw("body is not JSON", 400, "invalid_input", "{\"appid\":"),
        Raw("json_info is an array", 400, "json_info", """{"appid":"sec-t3","daemon":"{daemon}","json_info":[1,2]}"""),
        // 5. daemons
        Daemon("daemon named ..", "name", d => d["name"] = ".."),
        Daemon("daemon named with a slash", "name", d => d["name"] = "sec/slash"),
        Daemon("daemon name with NUL", "name", d => d["name"] = "sec\0nul"),
        Daemon("daemon name of 10 MB", "name", d => d["name"] = TenMegabytes),
        Daemon("daemon display name with NUL", "display_name", d => d["display_name"] = "Sec\0Daemon"),
        Daemon("daemon host with NUL", "host", d => d["host"] = "127.0.0.1\0"),
        Daemon("daemon socket path with a space", "host", d => { d["accepts_deploy_id"] = "docker-install"; d["host"] = "/var/run/docker socket.sock"; }),
        Daemon("daemon network with a shell command", "net", d => d["net"] = "host; rm -rf /"),
        Daemon("daemon password with CRLF", "haproxy_password", d => d["haproxy_password"] = "pw\r\nX-Injected: 1"),
        Daemon("daemon Nextcloud URL with CRLF", "nextcloud_url", d => d["nextcloud_url"] = "http://nc.local/\r\nX-Injected: 1"),
        Daemon("daemon protocol with NUL", "protocol", d => d["protocol"] = "http\0"),
        // 7. route values
        new("app id in the path with a control character", fx => fx.Admin(HttpMethod.Get, "admin/apps/sec%01x"), 400, "appId"),
        new("daemon name in the path with a line break", fx => fx.Admin(HttpMethod.Delete, "admin/daemons/sec%0Ax"), 400, "name"),
        new("daemon name in the query with NUL", fx => fx.Admin(HttpMethod.Delete, "admin/daemons?name=sec%00x"), 400, "name"),
        // 1. update with a smuggling version
        new("update to a version with CRLF", fx => fx.Admin(HttpMethod.Post, $"admin/apps/{fx.AppId}/update",
            new JsonObject { ["json_info"] = new JsonObject { ["id"] = fx.AppId, ["version"] = Smuggle } }.ToJsonString()), 400, "version"),
        new("update with a 10 MB info.xml", fx => fx.Admin(HttpMethod.Post, $"admin/apps/{fx.AppId}/update",
            new JsonObject { ["info_xml"] = Hostile.InfoXml(fx.AppId, extra: $"<!--{TenMegabytes}-->") }.ToJsonString()), 413, "info_xml"),
    ];

    public static TheoryData<string> Names => new(Cases.Select(c => c.Name));

    [Theory]
    [MemberData(nameof(Names))]
    public async Task Hostile_admin_input_is_refused_naming_the_field_and_nothing_is_stored(string name)
    {
        var c = Cases.Single(x => x.Name == name);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(60) };
        await Hostile.RunAsync(fx, http, "admin API", c);
    }

    [Fact]
    public async Task Daemons_stored_before_names_were_restricted_can_still_be_removed()
    {
        foreach (var name in new[] { "..", "sec/slash", "sec bad" })
        {
            await fx.ExecAsync("INSERT INTO registry.daemons (name, display_name, accepts_deploy_id, protocol, host, deploy_config) " +
                "VALUES (@n, @n, 'manual-install', 'http', '127.0.0.1', '{}'::jsonb)", ("n", name));
            var r = await fx.Cli("daemon:unregister", name);
            Assert.True(r.ExitCode == 0, r.ToString());
            Assert.Equal(0L, await fx.ScalarAsync<long>("SELECT count(*) FROM registry.daemons WHERE name = @n", ("n", name)));
        }
    }

    [Fact]
    public async Task An_ordinary_registration_still_works()
    {
        using var http = new HttpClient();
        var id = fx.AppPrefix + "ok";
        using var r = await http.SendAsync(fx.Admin(HttpMethod.Post, "admin/apps", Hostile.Registration(fx, id, i =>
        {
            i["environment-variables"] = new JsonArray(new JsonObject { ["name"] = "GREETING", ["default"] = "multi\nline" });
            i["version"] = "2.0.0-beta.1+build.7";
            i["port"] = 29998;
        }, b => b["env"] = new JsonObject { ["GREETING"] = "hello" })));
        Assert.True((int)r.StatusCode == 202, await r.Content.ReadAsStringAsync());
        Assert.Equal(0, (await fx.Cli("app:unregister", id, "--force")).ExitCode);
    }
}
