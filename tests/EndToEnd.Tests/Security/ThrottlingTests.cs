using System.Diagnostics;
using System.Net;
using System.Text;

namespace ExApps.EndToEnd.Tests.Security;

/// <summary>Brute-force protection under attack: failures with made-up ids or another app's id never refuse an
/// app's own correct secret, and parallel guesses never get more checks than the limit.</summary>
[Collection(SecurityCollection.Name)]
public sealed class ThrottlingTests(SecurityFixture fx)
{
    private string Ocs(string route) => $"{fx.Url}/ocs/v2.php/apps/app_api/{route}?format=json";

    private static string Auth(string user, string secret) => Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{secret}"));

    [Fact]
    public async Task An_attacker_process_on_the_same_address_never_gets_a_legitimate_app_refused()
    {
        // A separate process on 127.0.0.1 (where host-network ExApps call from) guesses in parallel: made-up app
        // ids, and the other app's id with wrong secrets. Each output line: "<kind> <status>".
        var script = $$"""
            attack() {
              kind=$1; n=$2
              if [ "$kind" = fake ]; then id="{{fx.AppPrefix}}fake-$n"; else id="{{fx.OtherAppId}}"; fi
              auth=$(printf ':guess-%s' "$n" | base64 -w0)
              code=$(curl -s -o /dev/null -w '%{http_code}' -X POST '{{Ocs("api/v1/log")}}' \
                -H "EX-APP-ID: $id" -H 'EX-APP-VERSION: 1.0.0' -H "AUTHORIZATION-APP-API: $auth" -H 'AA-VERSION: 32.0.0' \
                -H 'OCS-APIRequest: true' -H 'Content-Type: application/json' -d '{"level":1,"message":"guess"}')
              echo "$kind $code"
            }
            export -f attack
            for i in $(seq 1 150); do echo "fake $i"; echo "other $i"; done | xargs -P 12 -n 2 bash -c 'attack "$0" "$1"'
            """;
        var psi = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(script);
        using var attacker = Process.Start(psi)!;
        var output = attacker.StandardOutput.ReadToEndAsync();

        using var legit = GatewayHttp.From("127.0.0.1");
        var answers = new List<HttpStatusCode>();
        while (!attacker.HasExited || answers.Count < 10)
        {
            using var log = await legit.SendAsync(GatewayHttp.ExApp(HttpMethod.Post, Ocs("api/v1/log"), fx.AppId, SecurityFixture.Secret,
                json: """{"level":1,"message":"legitimate report"}"""));
            answers.Add(log.StatusCode);
            using var state = await legit.SendAsync(GatewayHttp.ExApp(HttpMethod.Get, Ocs("ex-app/state"), fx.AppId, SecurityFixture.Secret));
            answers.Add(state.StatusCode);
        }
        await attacker.WaitForExitAsync();
        var lines = (await output).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(' ')).ToList();
        foreach (var l in lines) fx.Ledger.Record("throttling", $"attacker {l[0]}", int.Parse(l[1]), false);

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.OK, a));
        Assert.Equal(300, lines.Count);
        foreach (var kind in new[] { "fake", "other" })
        {
            var codes = lines.Where(l => l[0] == kind).Select(l => l[1]).ToList();
            Assert.True(codes.Count(c => c == "401") <= SecurityFixture.MaxFailures, $"{kind}: {string.Join(",", codes)}");
            Assert.Contains("429", codes);
            Assert.All(codes, c => Assert.True(c is "401" or "429", $"{kind}: {c}"));
        }
    }

    [Fact]
    public async Task Parallel_wrong_secrets_get_no_more_checks_than_the_limit_and_block_only_their_own_bucket()
    {
        using var http = GatewayHttp.From("127.0.0.51");
        var guesses = await Task.WhenAll(Enumerable.Range(0, 100).Select(async i =>
        {
            using var r = await http.SendAsync(GatewayHttp.ExApp(HttpMethod.Get, Ocs("ex-app/state"), fx.AppId, "wrong-" + i));
            return r.StatusCode;
        }));
        foreach (var g in guesses) fx.Ledger.Record("throttling", "parallel wrong secret", (int)g, false);
        Assert.True(guesses.Count(g => g == HttpStatusCode.Unauthorized) <= SecurityFixture.MaxFailures,
            string.Join(",", guesses.GroupBy(g => g).Select(g => $"{g.Key}:{g.Count()}")));
        Assert.All(guesses, g => Assert.True(g is HttpStatusCode.Unauthorized or HttpStatusCode.TooManyRequests, g.ToString()));

        // The same address, another app's correct secret: a different bucket, never refused.
        using var other = await http.SendAsync(GatewayHttp.ExApp(HttpMethod.Get, Ocs("ex-app/state"), fx.LegacyAppId, SecurityFixture.Secret));
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
        // The same address and app id: guessing this app's secret from here is what its bucket stops.
        using var same = await http.SendAsync(GatewayHttp.ExApp(HttpMethod.Get, Ocs("ex-app/state"), fx.AppId, SecurityFixture.Secret));
        Assert.Equal(HttpStatusCode.TooManyRequests, same.StatusCode);
        // Any other address is not affected.
        using var elsewhere = GatewayHttp.From("127.0.0.53");
        using var fine = await elsewhere.SendAsync(GatewayHttp.ExApp(HttpMethod.Get, Ocs("ex-app/state"), fx.AppId, SecurityFixture.Secret));
        Assert.Equal(HttpStatusCode.OK, fine.StatusCode);
    }

    [Fact]
    public async Task Parallel_proxied_failures_are_counted_before_they_are_forwarded()
    {
        using var http = GatewayHttp.From("127.0.0.52");
        var answers = await Task.WhenAll(Enumerable.Range(0, 50).Select(async i =>
        {
            using var r = await http.GetAsync($"{fx.Url}/index.php/apps/app_api/proxy/{fx.AppId}/missing/{i}");
            return r.StatusCode;
        }));
        foreach (var a in answers) fx.Ledger.Record("throttling", "parallel bruteforce-protected 404", (int)a, false);
        Assert.True(answers.Count(a => a == HttpStatusCode.NotFound) <= SecurityFixture.MaxFailures,
            string.Join(",", answers.GroupBy(a => a).Select(g => $"{g.Key}:{g.Count()}")));
        Assert.Contains(HttpStatusCode.TooManyRequests, answers);
    }
}
