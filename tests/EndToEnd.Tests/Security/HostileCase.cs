using System.Text.Json.Nodes;

namespace ExApps.EndToEnd.Tests.Security;

/// <summary>One hostile request: how to build it, the status it must get and the field its answer must name.</summary>
public sealed record HostileCase(string Name, Func<SecurityFixture, HttpRequestMessage> Request, int Status, string Field);

/// <summary>Runs hostile cases: never a 5xx, the expected status, the field named in the answer, nothing stored.</summary>
public static class Hostile
{
    public static async Task<string> RunAsync(SecurityFixture fx, HttpClient http, string category, HostileCase c)
    {
        var before = await fx.FingerprintAsync();
        using var request = c.Request(fx);
        using var response = await http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        var after = await fx.FingerprintAsync();
        var status = (int)response.StatusCode;
        fx.Ledger.Record(category, c.Name, status, before != after);
        Assert.True(status < 500, $"{c.Name}: {status} {body}");
        Assert.True(c.Status == status, $"{c.Name}: expected {c.Status}, got {status} {body}");
        Assert.True(body.Contains(c.Field, StringComparison.Ordinal), $"{c.Name}: the answer does not name `{c.Field}`: {body}");
        Assert.True(before == after, $"{c.Name}: something was stored");
        return body;
    }

    /// <summary>A valid registration body for the manual daemon; <paramref name="info"/> and <paramref name="body"/>
    /// make it hostile.</summary>
    public static string Registration(SecurityFixture fx, string appId, Action<JsonObject>? info = null, Action<JsonObject>? body = null)
    {
        var i = new JsonObject
        {
            ["id"] = appId, ["name"] = appId, ["version"] = "1.0.0", ["secret"] = SecurityFixture.Secret, ["port"] = 29999,
        };
        info?.Invoke(i);
        var b = new JsonObject { ["appid"] = appId, ["daemon"] = SecurityFixture.DaemonName, ["json_info"] = i };
        body?.Invoke(b);
        return b.ToJsonString();
    }

    public static string InfoXml(string appId, string version = "1.0.0", string extra = "", string prolog = "") =>
        $"""
        <?xml version="1.0"?>{prolog}
        <info><id>{appId}</id><name>{appId}</name><version>{version}</version>
          <external-app><docker-install><registry>localhost:5000</registry><image>exapps/test-exapp</image><image-tag>1.0.0</image-tag></docker-install>{extra}</external-app>
        </info>
        """;
}
