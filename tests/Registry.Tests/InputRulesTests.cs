using System.Text.Json;
using ExApps.Registry.AppInfo;
using ExApps.Registry.Api;
using ExApps.Registry.Apps;
using ExApps.Registry.Daemons;
using ExApps.Registry.Validation;

namespace ExApps.Registry.Tests;

/// <summary>The registry's input rules (Validation/, DaemonValidator, MountValidator): each hostile value is refused
/// with the field it came in.</summary>
public sealed class InputRulesTests
{
    private static AppInfoModel Info(string version = "1.0.0", string name = "App") => new("app", name, version,
        new ExApps.Contracts.ImageRef("docker.io", "acme/app", "1.0.0"), [], []);

    private static string FieldOf(Action check) => Assert.Throws<AppInfoException>(check).Field;

    [Theory]
    [InlineData("1.0.0\r\nX-A: 1\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: x\r\nX-Pad: ")]
    [InlineData("1.0.0\0")]
    [InlineData("123456789012345678901234567890123")]
    [InlineData("1.0 beta")]
    public void Versions_that_could_break_a_header_are_refused(string version) =>
        Assert.Equal("version", FieldOf(() => AppInfoRules.Check(Info(version))));

    [Theory]
    [InlineData("bad\0name")]
    [InlineData("line\nbreak")]
    [InlineData("\u001b[31mred")]
    public void Names_with_control_characters_are_refused(string name) =>
        Assert.Equal("name", FieldOf(() => AppInfoRules.Check(Info(name: name))));

    [Fact]
    public void Names_are_bounded_by_appapi_s_column() =>
        Assert.Equal("name", FieldOf(() => AppInfoRules.Check(Info(name: new string('n', InputLimits.AppName + 1)))));

    [Theory]
    [InlineData("A=B")]
    [InlineData("A\nB")]
    [InlineData("1ST")]
    [InlineData("APP_SECRET")]
    [InlineData("app_id")]
    [InlineData("NEXTCLOUD_URL")]
    [InlineData("AA_VERSION")]
    [InlineData("NVIDIA_VISIBLE_DEVICES")]
    public void Declared_variables_with_bad_or_reserved_names_are_refused(string name) =>
        Assert.Equal("environment-variables[0].name", FieldOf(() =>
            AppInfoRules.CheckVariables([new DeclaredEnvVar(name, "", "", null)])));

    [Fact]
    public void A_default_with_nul_is_refused() =>
        Assert.Equal("environment-variables[0].default", FieldOf(() =>
            AppInfoRules.CheckVariables([new DeclaredEnvVar("GREETING", "", "", "hi\0")])));

    [Fact]
    public void More_routes_than_the_limit_are_refused_before_any_is_parsed()
    {
        var routes = Enumerable.Range(0, InputLimits.Routes + 1).Select(i => new { url = $"^/r{i}$", verb = "GET", access_level = "PUBLIC" });
        var json = JsonSerializer.SerializeToElement(new { id = "app", version = "1.0.0", routes });
        Assert.Equal("routes", FieldOf(() => JsonInfoParser.Parse(json, "app")));
    }

    [Theory]
    [InlineData("x-foo\r\nx-injected: 1", "routes[0].headers_to_exclude")]
    [InlineData("x foo", "routes[0].headers_to_exclude")]
    public void Route_header_lists_hold_only_header_names(string header, string field) =>
        Assert.Equal(field, FieldOf(() => AppInfoRules.CheckRoutes([new AppRoute("^/x", "GET", 0, [header], [])])));

    [Theory]
    [InlineData("GET\r\nX", "routes[0].verb")]
    [InlineData("GET,PO ST", "routes[0].verb")]
    public void Route_verbs_are_methods(string verb, string field) =>
        Assert.Equal(field, FieldOf(() => AppInfoRules.CheckRoutes([new AppRoute("^/x", verb, 0, [], [])])));

    [Fact]
    public void Route_urls_over_512_characters_are_refused_before_compiling() =>
        Assert.Equal("routes[0].url", FieldOf(() => JsonInfoParser.Parse(JsonSerializer.SerializeToElement(new
        {
            id = "app", version = "1.0.0", routes = new[] { new { url = "^/" + new string('a', 600), verb = "GET", access_level = "PUBLIC" } },
        }), "app")));

    [Fact]
    public void Image_parts_are_docker_references() =>
        Assert.Equal("docker-install.image", FieldOf(() => AppInfoRules.Check(Info() with
        {
            Image = new ExApps.Contracts.ImageRef("docker.io", "acme/app&fromSrc=http://evil", "1.0.0"),
        })));

    [Fact]
    public void Secrets_are_printable_ascii_of_at_most_256() =>
        Assert.Equal("secret", FieldOf(() => AppInfoRules.Check(Info() with { Secret = "abc\r\ndef" })));

    private static RegisterDaemonRequest Daemon() => new("docker_local", "Local", "docker-install", "http",
        "/var/run/docker.sock", "http://nc.local/", null, null, null, false);

    [Theory]
    [InlineData("..")]
    [InlineData(".")]
    [InlineData("sec/slash")]
    [InlineData("with space")]
    [InlineData("nul\0")]
    [InlineData("-dash-first")]
    public void Daemon_names_are_restricted_to_a_safe_set(string name) =>
        Assert.Contains("name", DaemonValidator.Validate(Daemon() with { Name = name }).Keys);

    [Theory]
    [InlineData("/var/run/docker socket.sock")]
    [InlineData("/var/run/../docker.sock")]
    [InlineData("/var/run/docker.sock\0")]
    [InlineData("docker:2375\r\nX: 1")]
    [InlineData("host name:2375")]
    public void Daemon_hosts_are_host_port_or_a_plain_socket_path(string host) =>
        Assert.Contains("host", DaemonValidator.Validate(Daemon() with { Host = host }).Keys);

    [Theory]
    [InlineData("docker.example:2376")]
    [InlineData("[::1]:2375")]
    [InlineData("127.0.0.1")]
    [InlineData("/run/user/1000/docker.sock")]
    public void Usual_daemon_hosts_pass(string host) =>
        Assert.DoesNotContain("host", DaemonValidator.Validate(Daemon() with { Host = host }).Keys);

    [Theory]
    [InlineData("host; rm -rf /")]
    [InlineData("my net")]
    [InlineData("net\nx")]
    public void Networks_are_docker_network_names(string net) =>
        Assert.Contains("net", DaemonValidator.Validate(Daemon() with { Net = net }).Keys);

    [Theory]
    [InlineData("display_name", "Local\0Docker")]
    [InlineData("haproxy_password", "pw\r\nX-Injected: 1")]
    public void Daemon_texts_refuse_nul_and_line_breaks(string field, string value)
    {
        var r = field == "display_name" ? Daemon() with { DisplayName = value } : Daemon() with { HaproxyPassword = value };
        Assert.Contains(field, DaemonValidator.Validate(r).Keys);
    }

    [Theory]
    [InlineData("A=B", "env.A=B")]
    [InlineData("A\nB", "env")]
    [InlineData("APP_SECRET", "env.APP_SECRET")]
    [InlineData("GREETING", "env.GREETING")] // value below has a NUL
    public void Env_overrides_with_bad_names_reserved_names_or_nul_values_are_refused(string name, string field)
    {
        var errors = RequestRules.Register(new RegisterAppRequest("app", null, null, null, null,
            new Dictionary<string, string> { [name] = name == "GREETING" ? "hi\0" : "x" }, null));
        Assert.Contains(field, errors.Keys);
    }

    [Theory]
    [InlineData("/data\0x", "/t", "mounts[0].source")]
    [InlineData("/data", "/t\r\n", "mounts[0].target")]
    public void Mount_paths_with_control_characters_are_refused(string source, string target, string field) =>
        Assert.Contains(field, MountValidator.Validate([new MountDto(source, target)]).Keys);

    [Theory]
    [InlineData("$.appid", "appid")]
    [InlineData("$.env.FOO", "env.FOO")]
    [InlineData("$.mounts", "mounts")]
    [InlineData("$.mounts[0].source", "mounts[0].source")]
    [InlineData("$['odd key']", "odd key")]
    [InlineData(null, "body")]
    public void Json_paths_become_field_names(string? path, string field) =>
        Assert.Equal(field, BadRequestHandler.FieldOf(path));

    [Fact]
    public void Status_errors_are_bounded_and_escaped()
    {
        Assert.Equal("a\\u001b[31m\nb\\u0000", StatusText.Bound("a\u001b[31m\nb\0"));
        Assert.True(StatusText.Bound(new string('x', 2_000_000)).Length <= StatusText.MaxErrorLength);
    }
}
