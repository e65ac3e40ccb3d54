using System.Text;
using System.Text.Json;
using System.Xml.Linq;
using ExApps.Gateway.Ocs;
using Microsoft.AspNetCore.Http;

namespace ExApps.Gateway.Tests;

public sealed class OcsResultTests
{
    private static async Task<(int Status, string Body, string ContentType)> Run(OcsResult result, string path, string query = "", string? accept = null)
    {
        var http = new DefaultHttpContext();
        http.Request.Path = path;
        http.Request.QueryString = new QueryString(query);
        if (accept is not null) http.Request.Headers.Accept = accept;
        var body = new MemoryStream();
        http.Response.Body = body;
        await result.ExecuteAsync(http);
        return (http.Response.StatusCode, Encoding.UTF8.GetString(body.ToArray()), http.Response.ContentType ?? "");
    }

    private static JsonElement Meta(string json) => JsonDocument.Parse(json).RootElement.GetProperty("ocs").GetProperty("meta");

    [Theory]
    [InlineData("/ocs/v1.php/x", 200, 100)]
    [InlineData("/ocs/v2.php/x", 200, 200)]
    public async Task Ok_answers_http_200_with_the_version_s_ok_statuscode(string path, int http, int statuscode)
    {
        var (status, body, type) = await Run(OcsResult.Ok(new { a = 1 }), path, "?format=json");
        Assert.Equal(http, status);
        Assert.StartsWith("application/json", type);
        Assert.Equal(statuscode, Meta(body).GetProperty("statuscode").GetInt32());
        Assert.Equal("ok", Meta(body).GetProperty("status").GetString());
        Assert.Equal(1, JsonDocument.Parse(body).RootElement.GetProperty("ocs").GetProperty("data").GetProperty("a").GetInt32());
    }

    [Theory]
    [InlineData("/ocs/v1.php/x", 400, 200)]
    [InlineData("/ocs/v2.php/x", 400, 400)]
    [InlineData("/ocs/v1.php/x", 998, 200)]
    [InlineData("/ocs/v2.php/x", 998, 404)]
    [InlineData("/ocs/v2.php/x", 429, 429)]
    [InlineData("/ocs/v1.php/x", 997, 401)]
    [InlineData("/ocs/v2.php/x", 997, 401)]
    public async Task Errors_map_to_http_status_on_v2_and_to_200_on_v1_except_997(string path, int code, int http)
    {
        var (status, body, _) = await Run(OcsResult.Error(code, "why"), path, "", "application/json");
        Assert.Equal(http, status);
        Assert.Equal(code, Meta(body).GetProperty("statuscode").GetInt32());
        Assert.Equal("failure", Meta(body).GetProperty("status").GetString());
        Assert.Equal("why", Meta(body).GetProperty("message").GetString());
    }

    [Fact]
    public async Task Xml_is_the_default_with_elements_for_list_items_and_1_or_empty_for_booleans()
    {
        var (status, body, type) = await Run(OcsResult.Ok(new object[] { new { id = "a", enabled = true, off = false } }), "/ocs/v2.php/x");
        Assert.Equal(200, status);
        Assert.StartsWith("application/xml", type);
        var doc = XDocument.Parse(body);
        Assert.Equal("200", doc.Root!.Element("meta")!.Element("statuscode")!.Value);
        var element = doc.Root.Element("data")!.Element("element")!;
        Assert.Equal("a", element.Element("id")!.Value);
        Assert.Equal("1", element.Element("enabled")!.Value);
        Assert.Equal("", element.Element("off")!.Value);
    }

    [Fact]
    public async Task Format_json_query_wins_over_an_xml_accept_header()
    {
        var (_, body, type) = await Run(OcsResult.Ok(1), "/ocs/v2.php/x", "?format=json", "application/xml");
        Assert.StartsWith("application/json", type);
        Assert.Equal(1, JsonDocument.Parse(body).RootElement.GetProperty("ocs").GetProperty("data").GetInt32());
    }

    [Fact]
    public async Task Format_xml_query_wins_over_a_json_accept_header()
    {
        var (_, body, type) = await Run(OcsResult.Ok(1), "/ocs/v2.php/x", "?format=xml", "application/json");
        Assert.StartsWith("application/xml", type);
        Assert.Equal("1", XDocument.Parse(body).Root!.Element("data")!.Value);
    }
}
