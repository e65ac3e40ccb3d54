using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Npgsql;

namespace ExApps.EndToEnd.Tests;

/// <summary>The Talk bot routes and their relay, and the routes answered from Nextcloud (users, nextcloud_url,
/// notifications), on the running platform with the stand-in Nextcloud; the test ExApp makes every AppAPI call.</summary>
[Collection(GatewayCollection.Name)]
public sealed class TalkBotAndNextcloudRoutesTests(GatewayFixture gw)
{
    private static Task<(int Status, JsonElement Meta, JsonElement Data)> Call(int port, string method, string path, string? body = null,
        string? user = null, string ocs = "v2") => RegistrationRoutesTests.CallAsync(port, method, path, body, user, ocs);

    private string Relay(string appId, string route) => $"{gw.Url}/ocs/v2.php/apps/app_api/api/v1/talk_proxy/{appId}/{route}";

    private static HttpRequestMessage TalkPost(string url, string body, string secret, string? signature = null)
    {
        var random = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        var req = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        req.Headers.TryAddWithoutValidation("X-Nextcloud-Talk-Random", random);
        req.Headers.TryAddWithoutValidation("X-Nextcloud-Talk-Signature", signature
            ?? Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(random + body))));
        req.Headers.TryAddWithoutValidation("X-Nextcloud-Talk-Backend", "https://cloud.example");
        req.Headers.TryAddWithoutValidation("OCS-APIRequest", "true");
        return req;
    }

    private async Task<JsonElement[]> BotMessagesAsync() =>
        (await gw.Http.GetFromJsonAsync<JsonElement[]>($"http://127.0.0.1:{gw.ExAppPort}/test/bot-messages"))!;

    [Fact]
    public async Task A_talk_bot_gets_AppAPIs_id_and_a_kept_secret_and_the_relay_forwards_only_signed_posts()
    {
        var port = gw.ExAppPort;
        var reg = await Call(port, "POST", "api/v1/talk_bot", """{"name":"Echo bot","route":"/bots/echo","description":"Echoes"}""");
        Assert.True(reg.Status == 200, reg.Meta.ToString());
        var id = reg.Data.GetProperty("id").GetString()!;
        var secret = reg.Data.GetProperty("secret").GetString()!;
        Assert.Equal(Convert.ToHexStringLower(SHA1.HashData(Encoding.UTF8.GetBytes(gw.AppId + "_bots/echo"))), id);
        Assert.Equal(64, secret.Length);
        Assert.All(secret, c => Assert.Contains(c, "abcdefgijkmnopqrstwxyzABCDEFGHJKLMNPQRSTWXYZ23456789"));
        var again = await Call(port, "POST", "api/v1/talk_bot", """{"name":"Echo bot","route":"bots/echo","description":"Echoes again"}""");
        Assert.Equal(secret, again.Data.GetProperty("secret").GetString());
        // nc_py_api's bot helpers read the secret from appconfig_ex under the bot id.
        var config = await Call(port, "POST", "api/v1/ex-app/config/get-values", $$"""{"configKeys":["{{id}}","talk_bot_route_{{id}}"]}""");
        Assert.Contains(config.Data.EnumerateArray(), c => c.GetProperty("configkey").GetString() == id && c.GetProperty("configvalue").GetString() == secret);
        var listed = await gw.AdminAsync(HttpMethod.Get, $"/admin/apps/{gw.AppId}/registrations?kind=talk_bot", null);
        Assert.DoesNotContain(secret, listed.Body);
        Assert.Contains($"/api/v1/talk_proxy/{gw.AppId}/bots/echo", listed.Body);
        var revealed = await gw.AdminAsync(HttpMethod.Get, $"/admin/apps/{gw.AppId}/talk-bots/{id}/secret", null);
        Assert.Equal(secret, revealed.Json.GetProperty("secret").GetString());

        using var http = GatewayHttp.From("127.0.0.41");
        var before = (await BotMessagesAsync()).Length;
        const string message = """{"type":"Create","object":{"name":"message","content":"{\"message\":\"hi\"}"}}""";
        using (var ok = await http.SendAsync(TalkPost(Relay(gw.AppId, "bots/echo"), message, secret)))
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        var received = await BotMessagesAsync();
        Assert.Equal(before + 1, received.Length);
        Assert.Equal("/bots/echo", received[^1].GetProperty("path").GetString());
        Assert.Equal(message, received[^1].GetProperty("body").GetString());
        Assert.NotEmpty(received[^1].GetProperty("signature").GetString()!);

        Assert.Equal(200, (await Call(port, "DELETE", "api/v1/talk_bot?route=bots/echo")).Status);
        var gone = await Call(port, "DELETE", "api/v1/talk_bot?route=bots/echo");
        Assert.Equal(404, gone.Status);
        Assert.Equal("Talk bots could not be unregistered", gone.Meta.GetProperty("message").GetString());
        using (var afterRemoval = await http.SendAsync(TalkPost(Relay(gw.AppId, "bots/echo"), message, secret)))
            Assert.Equal(HttpStatusCode.NotFound, afterRemoval.StatusCode);
        Assert.Equal(before + 1, (await BotMessagesAsync()).Length);
    }

    [Fact]
    public async Task The_talk_relay_refuses_a_bad_signature_and_throttles_the_sender()
    {
        var port = gw.ExAppPort;
        var reg = await Call(port, "POST", "api/v1/talk_bot", """{"name":"Guarded","route":"bots/guarded","description":"d"}""");
        var secret = reg.Data.GetProperty("secret").GetString()!;
        try
        {
            using var http = GatewayHttp.From("127.0.0.42");
            var before = (await BotMessagesAsync()).Length;
            const string body = """{"type":"Create"}""";
            var attempts = new[]
            {
                TalkPost(Relay(gw.AppId, "bots/guarded"), body, "not-the-secret"),
                TalkPost(Relay(gw.AppId, "bots/guarded"), body, secret, signature: "00" + new string('a', 62)),
                TalkPost(Relay(gw.AppId, "bots/other"), body, secret),
                TalkPost(Relay(gw.AppPrefix + "nope", "bots/guarded"), body, secret),
            };
            foreach (var attempt in attempts)
            {
                using var res = await http.SendAsync(attempt);
                Assert.Equal(HttpStatusCode.NotFound, res.StatusCode);
            }
            Assert.Equal(before, (await BotMessagesAsync()).Length);
            // The address has used up its attempts: even a correct post is refused now, and nothing reaches the app.
            using (var throttled = await http.SendAsync(TalkPost(Relay(gw.AppId, "bots/guarded"), body, secret)))
                Assert.Equal(HttpStatusCode.TooManyRequests, throttled.StatusCode);
            Assert.Equal(before, (await BotMessagesAsync()).Length);
            // Another address is not affected.
            using var other = GatewayHttp.From("127.0.0.43");
            using (var ok = await other.SendAsync(TalkPost(Relay(gw.AppId, "bots/guarded"), body, secret)))
                Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
            Assert.Equal(before + 1, (await BotMessagesAsync()).Length);
        }
        finally
        {
            await Call(port, "DELETE", "api/v1/talk_bot?route=bots/guarded");
        }
    }

    [Fact]
    public async Task Users_come_from_the_configured_nextcloud_and_without_one_the_error_names_the_setting()
    {
        var users = await Call(gw.ExAppPort, "GET", "api/v1/users", ocs: "v1");
        Assert.Equal(100, users.Meta.GetProperty("statuscode").GetInt32());
        Assert.Equal(["alice", "root", "platform"], users.Data.EnumerateArray().Select(u => u.GetString()!).ToArray());

        // The platform's first gateway has no Nextcloud behind it.
        using var http = GatewayHttp.From("127.0.0.44");
        using var res = await http.SendAsync(GatewayHttp.ExApp(HttpMethod.Get,
            $"{gw.GatewayUrl}/ocs/v2.php/apps/app_api/api/v1/users?format=json", gw.AppId, GatewayFixture.Secret));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, res.StatusCode);
        var meta = (await res.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("ocs").GetProperty("meta");
        Assert.Contains("Gateway:NextcloudUrl", meta.GetProperty("message").GetString());

        var url = await Call(gw.ExAppPort, "GET", "api/v1/info/nextcloud_url");
        Assert.Equal(gw.Nextcloud.Url, url.Data.GetProperty("base_url").GetString());
    }

    [Fact]
    public async Task A_notification_is_delivered_to_nextcloud_for_the_user_the_exapp_acts_for()
    {
        const string notification = """
            {"params":{"object":"app_api","object_id":"42","subject_type":"app_api_ex_app",
              "subject_params":{"rich_subject":"Hi {who}","rich_subject_params":{"who":{"type":"user","id":"alice","name":"Alice"}},
                                "rich_message":"Your file is ready","link":"https://cloud.example/f/42"}}}
            """;
        var sent = await Call(gw.ExAppPort, "POST", "api/v1/notification", notification, user: "alice");
        Assert.True(sent.Status == 200, sent.Meta.ToString());
        Assert.Equal(gw.AppId, sent.Data.GetProperty("app").GetString());
        Assert.Equal("alice", sent.Data.GetProperty("user").GetString());
        Assert.Equal("Hi Alice", sent.Data.GetProperty("subject").GetString());
        Assert.Equal("42", sent.Data.GetProperty("object_id").GetString());
        Assert.Contains(gw.Nextcloud.Notifications, n => n is { User: "alice", ShortMessage: "Hi Alice", LongMessage: "Your file is ready" });

        var noUser = await Call(gw.ExAppPort, "POST", "api/v1/notification", notification);
        Assert.Equal(400, noUser.Status);
        var bad = await Call(gw.ExAppPort, "POST", "api/v1/notification", notification.Replace("\"object_id\":\"42\",", ""), user: "alice");
        Assert.Equal(400, bad.Status);
        Assert.Contains("`params.object_id`", bad.Meta.GetProperty("message").GetString());
    }
}
