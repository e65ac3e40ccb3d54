using ExApps.Contracts;
using ExApps.Deployer.Docker;
using MassTransit;

namespace ExApps.Deployer.IntegrationTests;

/// <summary>Plain TCP and basic auth through a real HAProxy in front of the Docker socket, configured the way
/// AppAPI's socket proxy is (user <c>app_api_haproxy_user</c>).</summary>
[Collection(DockerCollection.Name)]
public sealed class HaproxyAuthTests(DeployerFixture fx) : DockerTest
{
    private const string Password = "proxy-pass-7f3a";

    [Fact]
    public async Task Plain_tcp_without_auth_reaches_the_engine()
    {
        await using var proxy = await Haproxy.StartAsync();
        using var engine = Engine(proxy, null);

        await engine.PingAsync();

        Assert.Equal(await DockerCli.RunAsync("version", "--format", "{{.Server.APIVersion}}"),
            (await engine.GetVersionAsync()).APIVersion);
    }

    [Fact]
    public async Task The_right_password_deploys_through_the_proxy()
    {
        await using var proxy = await Haproxy.StartAsync(password: Password);
        var appId = NewAppId();
        var daemon = DeployerFixture.Daemon(host: $"127.0.0.1:{proxy.Port}", password: new Secret(Password));

        var outcome = await fx.DeployAsync(DeployerFixture.Request(appId, "1", daemon));

        Assert.IsType<ContainerStarted>(outcome.Terminal);
        Assert.Contains(outcome.Progress, p => p == 100);
        Assert.True(await DockerCli.ExistsAsync("container", AppApiProtocol.ContainerName(appId)));
    }

    [Fact]
    public async Task A_wrong_password_is_reported_as_refused_credentials_without_either_password()
    {
        await using var proxy = await Haproxy.StartAsync(password: Password);
        using var engine = Engine(proxy, new Secret("wrong-pass-91b2"));

        var e = await Assert.ThrowsAsync<DockerEngineException>(() => engine.PingAsync());

        Assert.Equal(DockerErrorKind.Unauthorized, e.Kind);
        Assert.Equal(401, e.StatusCode);
        Assert.Contains($"http://127.0.0.1:{proxy.Port}", e.Message);
        Assert.Contains("HAProxy password", e.Message);
        Assert.DoesNotContain("wrong-pass-91b2", e.ToString());
        Assert.DoesNotContain(Password, e.ToString());
    }

    [Fact]
    public async Task Checking_a_daemon_with_a_wrong_password_answers_unreachable_with_the_reason()
    {
        await using var proxy = await Haproxy.StartAsync(password: Password);
        var daemon = DeployerFixture.Daemon(host: $"127.0.0.1:{proxy.Port}", password: new Secret("wrong-pass-3c1d"));

        var answer = await fx.Harness.GetRequestClient<CheckDaemon>().GetResponse<DaemonChecked>(new CheckDaemon(daemon));

        Assert.False(answer.Message.Reachable);
        Assert.Contains("refused the request (HTTP 401)", answer.Message.Message);
        Assert.DoesNotContain("wrong-pass-3c1d", answer.Message.Message);
        Assert.Null(answer.Message.ApiVersion);
    }

    private static DockerEngine Engine(Haproxy proxy, Secret? password) =>
        new(DockerEndpoint.From(new DaemonTarget("proxy", AppApiProtocol.DockerInstall, "http", $"127.0.0.1:{proxy.Port}",
            "host", "cpu", password, [], new Dictionary<string, string>(), null)), "1.44", TimeSpan.FromMinutes(1));
}
