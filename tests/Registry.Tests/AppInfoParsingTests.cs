using System.Text.Json;
using ExApps.Registry.AppInfo;

namespace ExApps.Registry.Tests;

public sealed class AppInfoParsingTests
{
    private static string Data(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "TestData", name));

    [Fact]
    public void Complete_info_xml_yields_image_variables_and_routes()
    {
        var info = InfoXmlParser.Parse(Data("hello-exapp.xml"));

        Assert.Equal("hello-exapp", info.Id);
        Assert.Equal("Hello ExApp", info.Name);
        Assert.Equal("1.0.0", info.Version);
        Assert.Equal(new("localhost:5000", "test/hello-exapp", "1.0.0"), info.Image);
        Assert.Equal(["GREETING", "EXTRA_FLAG", "EMPTY_DEFAULT"], info.EnvironmentVariables.Select(v => v.Name));
        Assert.Equal("hello", info.EnvironmentVariables[0].Default);
        Assert.Null(info.EnvironmentVariables[1].Default);
        Assert.Equal("", info.EnvironmentVariables[2].Default); // <default/> is the empty string
        Assert.Equal([0, 1, 2], info.Routes.Select(r => r.AccessLevel));
        Assert.Equal(["x-drop-me"], info.Routes[1].HeadersToExclude);
        Assert.Equal([401], info.Routes[1].BruteforceProtection);
        Assert.Equal("GET,POST", info.Routes[2].Verb);
    }

    [Fact]
    public void Legacy_ex_app_block_is_accepted_and_scopes_ignored()
    {
        var info = InfoXmlParser.Parse(Data("legacy-ex-app-block.xml"));

        Assert.Equal("legacy_app", info.Id);
        Assert.Equal(new("localhost:5000", "test/legacy_app", "latest"), info.Image);
        Assert.Empty(info.Routes);
    }

    [Fact]
    public void Bad_route_regex_is_rejected_naming_the_route_url()
    {
        var e = Assert.Throws<AppInfoException>(() => InfoXmlParser.Parse(Data("bad-route-regex.xml")));
        Assert.Equal("routes[0].url", e.Field);
        Assert.Contains("^/api/(unclosed", e.Message);
    }

    [Fact]
    public void Missing_id_is_rejected_naming_the_field()
    {
        var e = Assert.Throws<AppInfoException>(() => InfoXmlParser.Parse(Data("missing-id.xml")));
        Assert.Equal("id", e.Field);
    }

    [Theory]
    [InlineData("<info><id>a</id></info>", "version")]
    [InlineData("<info><id>a</id><version>1</version><external-app><routes><route><url>^/x</url><verb></verb><access_level>USER</access_level></route></routes></external-app></info>", "routes[0].verb")]
    [InlineData("<info><id>a</id><version>1</version><external-app><routes><route><url>^/x</url><verb>GET</verb><access_level>ROOT</access_level></route></routes></external-app></info>", "routes[0].access_level")]
    [InlineData("<info><id>a</id><version>1</version><external-app><environment-variables><variable><default>x</default></variable></environment-variables></external-app></info>", "environment-variables[0].name")]
    [InlineData("<info><id>a</id", "info_xml")]
    [InlineData("<app><id>a</id></app>", "info_xml")]
    public void Invalid_info_xml_names_the_offending_field(string xml, string field)
    {
        var e = Assert.Throws<AppInfoException>(() => InfoXmlParser.Parse(xml));
        Assert.Equal(field, e.Field);
    }

    [Fact]
    public void Docker_install_defaults_are_docker_io_appid_latest()
    {
        var info = InfoXmlParser.Parse("<info><id>myapp</id><version>2</version></info>");
        Assert.Equal(new("docker.io", "myapp", "latest"), info.Image);
    }

    [Fact]
    public void Json_info_for_manual_install_keeps_secret_port_and_routes()
    {
        using var doc = JsonDocument.Parse(Data("json-info-manual.json"));
        var info = JsonInfoParser.Parse(doc.RootElement, "hello-manual");

        Assert.Equal("12345", info.Secret);
        Assert.Equal(23010, info.Port);
        Assert.Equal([0, 2], info.Routes.Select(r => r.AccessLevel));
    }

    [Fact]
    public void Json_info_ignores_legacy_keys_and_reads_nested_environment_variables()
    {
        using var doc = JsonDocument.Parse("""
            {"appid":"old","id":"a","version":"1","scopes":["X"],"system":true,
             "docker-install":{"registry":"r","image":"i","image-tag":"t"},
             "environment-variables":{"variable":[{"name":"A","default":"1"}]}}
            """);
        var info = JsonInfoParser.Parse(doc.RootElement, "a");
        Assert.Equal("a", info.Id);
        Assert.Equal(new("r", "i", "t"), info.Image);
        Assert.Equal("A", Assert.Single(info.EnvironmentVariables).Name);
    }

    [Theory]
    [InlineData("""{"id":"a"}""", "version")]
    [InlineData("""{"id":"a","version":"1","port":"x"}""", "port")]
    [InlineData("""{"id":"a","version":"1","port":70000}""", "port")]
    [InlineData("""[1]""", "json_info")]
    public void Invalid_json_info_names_the_offending_field(string json, string field)
    {
        using var doc = JsonDocument.Parse(json);
        var e = Assert.Throws<AppInfoException>(() => JsonInfoParser.Parse(doc.RootElement, "a"));
        Assert.Equal(field, e.Field);
    }
}
