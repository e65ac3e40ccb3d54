using System.Net;
using System.Text.Json;

namespace ExApps.EndToEnd.Tests.Security;

/// <summary>The outgoing side: even a version stored before validation existed (put into the database directly
/// here) never turns into an injected header or a smuggled request on its way to the ExApp, from the gateway's
/// proxy and ex-app/request route or from the lifecycle's /enabled call. The call fails cleanly instead.</summary>
[Collection(SecurityCollection.Name)]
public sealed class OutgoingHeaderTests(SecurityFixture fx)
{
    private const string Smuggle = "1.0.0\r\nX-A: 1\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: x\r\nX-Pad: ";

    [Fact]
    public async Task A_stored_version_with_crlf_is_never_sent_to_the_exapp()
    {
        // The registry's copy feeds the gateway; the lifecycle keeps the running version it calls the ExApp with.
        await fx.ExecAsync("UPDATE registry.apps SET version = @v WHERE appid = @a", ("v", Smuggle), ("a", fx.LegacyAppId));
        await fx.ExecAsync("UPDATE lifecycle.apps SET version = @v WHERE app_id = @a", ("v", Smuggle), ("a", fx.LegacyAppId));
        try
        {
            using var http = GatewayHttp.From("127.0.0.48");
            // Until the gateway's app cache (AppCacheTtl 1 s) forgets the old version, requests still carry 1.0.0.
            var status = HttpStatusCode.OK;
            for (var i = 0; i < 100 && status == HttpStatusCode.OK; i++)
            {
                using var proxied = await http.GetAsync($"{fx.Url}/index.php/apps/app_api/proxy/{fx.LegacyAppId}/api/echo");
                status = proxied.StatusCode;
                if (status == HttpStatusCode.OK) await Task.Delay(200);
            }
            fx.Ledger.Record("outgoing", "proxy with a stored CRLF version", (int)status, false);
            Assert.Equal(HttpStatusCode.BadGateway, status);
            var before = (await fx.ReceivedAsync(fx.LegacyPort)).Count;

            using var request = new HttpRequestMessage(HttpMethod.Post,
                $"{fx.Url}/ocs/v2.php/apps/app_api/api/v1/ex-app/request/{fx.LegacyAppId}?format=json")
            {
                Content = new StringContent("""{"route":"/api/echo","method":"GET"}""", System.Text.Encoding.UTF8, "application/json"),
            };
            request.Headers.Authorization = new("Bearer", PlatformFixture.AdminToken);
            using var forwarded = await http.SendAsync(request);
            var forwardedBody = await forwarded.Content.ReadAsStringAsync();
            fx.Ledger.Record("outgoing", "ex-app/request with a stored CRLF version", (int)forwarded.StatusCode, false);
            Assert.Equal(HttpStatusCode.BadRequest, forwarded.StatusCode);
            Assert.Contains("EX-APP-VERSION", forwardedBody);

            // The lifecycle's PUT /enabled?enabled=0 carries the version too.
            var disable = await fx.Cli("app:disable", fx.LegacyAppId);
            fx.Ledger.Record("outgoing", "lifecycle disable with a stored CRLF version", disable.ExitCode == 0 ? 200 : 500, false);
            Assert.True(disable.ExitCode == 0, disable.ToString());
            Assert.Contains("EX-APP-VERSION", disable.StdOut + disable.StdErr);
            var app = await fx.GetAppAsync(fx.LegacyAppId);
            Assert.False(app.GetProperty("enabled").GetBoolean());

            Assert.Equal(before, (await fx.ReceivedAsync(fx.LegacyPort)).Count); // not one request arrived
            await fx.AssertNothingInjectedAsync();
        }
        finally
        {
            await fx.ExecAsync("UPDATE registry.apps SET version = '1.0.0' WHERE appid = @a", ("a", fx.LegacyAppId));
            await fx.ExecAsync("UPDATE lifecycle.apps SET version = '1.0.0' WHERE app_id = @a", ("a", fx.LegacyAppId));
        }
    }
}
