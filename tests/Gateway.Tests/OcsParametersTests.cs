using System.Text;
using ExApps.Gateway.Ocs;
using Microsoft.AspNetCore.Http;

namespace ExApps.Gateway.Tests;

public sealed class OcsParametersTests
{
    private static Task<OcsParameters> Read(string body, string contentType, string query = "", long max = 4096)
    {
        var http = new DefaultHttpContext();
        http.Request.QueryString = new QueryString(query);
        http.Request.ContentType = contentType;
        var bytes = Encoding.UTF8.GetBytes(body);
        http.Request.Body = new MemoryStream(bytes);
        http.Request.ContentLength = bytes.Length;
        return OcsParameters.ReadAsync(http.Request, max, CancellationToken.None);
    }

    [Fact]
    public async Task Json_body_values_and_lists_are_read_and_win_over_the_query()
    {
        var p = await Read("""{"configKey":"k","configValue":5,"configKeys":["a","b"]}""", "application/json", "?configKey=q&format=json");
        Assert.Equal("k", p["configKey"]);
        Assert.Equal("5", p["configValue"]);
        Assert.Equal(["a", "b"], p.List("configKeys"));
        Assert.Equal("json", p["format"]);
    }

    [Fact]
    public async Task Form_body_repeated_bracket_keys_form_a_list()
    {
        var p = await Read("configKeys[]=a&configKeys[]=b&level=2", "application/x-www-form-urlencoded");
        Assert.Equal(["a", "b"], p.List("configKeys"));
        Assert.Equal("2", p["level"]);
    }

    [Fact]
    public async Task Xml_body_child_elements_are_parameters()
    {
        var p = await Read("<r><progress>40</progress><configKeys><k>a</k><k>b</k></configKeys></r>", "application/xml");
        Assert.Equal("40", p["progress"]);
        Assert.Equal(["a", "b"], p.List("configKeys"));
    }

    [Theory]
    [InlineData("{\"progress\": ", "application/json", "not valid JSON")]
    [InlineData("[1,2]", "application/json", "must be an object")]
    [InlineData("<r><a></r>", "application/xml", "not well-formed XML")]
    [InlineData("<!DOCTYPE r [<!ENTITY x \"y\">]><r>&x;</r>", "text/xml", "not well-formed XML")]
    public async Task Malformed_bodies_are_a_400_with_a_clear_message(string body, string type, string message)
    {
        var e = await Assert.ThrowsAsync<OcsRequestException>(() => Read(body, type));
        Assert.Equal(400, e.Status);
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public async Task A_body_over_the_limit_is_a_413()
    {
        var e = await Assert.ThrowsAsync<OcsRequestException>(() => Read(new string('x', 5000), "application/json", max: 1024));
        Assert.Equal(413, e.Status);
    }

    [Fact]
    public async Task A_list_parameter_holding_objects_is_refused()
    {
        var p = await Read("""{"configKeys":[{"a":1}]}""", "application/json");
        Assert.Throws<OcsRequestException>(() => p.List("configKeys"));
    }

    [Fact]
    public async Task An_empty_json_body_means_no_parameters()
    {
        var p = await Read("", "application/json", "?url=/x");
        Assert.Equal("/x", p["url"]);
        Assert.Null(p.List("configKeys"));
    }
}
