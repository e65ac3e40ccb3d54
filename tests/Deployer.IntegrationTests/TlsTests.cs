using ExApps.Contracts;
using ExApps.Deployer.Docker;
using MassTransit;

namespace ExApps.Deployer.IntegrationTests;

/// <summary>https engines: HAProxy terminates TLS in front of the Docker socket with a certificate of a CA made
/// by the fixture; the deployer trusts that CA only through <c>Deployer:TrustedCaFile</c>.</summary>
[Collection(DockerCollection.Name)]
public sealed class TlsTests(DeployerFixture fx) : DockerTest
{
    private const string Password = "tls-proxy-pass-5d2e";

    private string ServerTls => $"ssl crt {fx.Tls.ServerPem}";

    [Fact]
    public async Task A_deploy_over_https_with_basic_auth_works_when_the_ca_is_trusted()
    {
        await using var proxy = await Haproxy.StartAsync(ServerTls, Password);
        await using var host = await fx.StartHostAsync(new() { ["Deployer:TrustedCaFile"] = fx.Tls.CaCert });
        var appId = NewAppId();
        var daemon = Https(proxy, "127.0.0.1", new Secret(Password));

        var check = await host.Harness.GetRequestClient<CheckDaemon>().GetResponse<DaemonChecked>(new CheckDaemon(daemon));
        var outcome = await host.DeployAsync(DeployerFixture.Request(appId, "1", daemon));

        Assert.True(check.Message.Reachable, check.Message.Message);
        Assert.Contains($"https://127.0.0.1:{proxy.Port} is reachable", check.Message.Message);
        Assert.Equal(await DockerCli.RunAsync("version", "--format", "{{.Server.APIVersion}}"), check.Message.ApiVersion);
        Assert.IsType<ContainerStarted>(outcome.Terminal);
        Assert.True(await DockerCli.ExistsAsync("container", AppApiProtocol.ContainerName(appId)));
    }

    [Fact]
    public async Task An_untrusted_certificate_fails_with_a_tls_reason_that_names_the_setting()
    {
        await using var proxy = await Haproxy.StartAsync(ServerTls);
        var daemon = Https(proxy, "127.0.0.1");

        var check = await fx.Harness.GetRequestClient<CheckDaemon>().GetResponse<DaemonChecked>(new CheckDaemon(daemon));
        var outcome = await fx.DeployAsync(DeployerFixture.Request(NewAppId(), "1", daemon));

        Assert.False(check.Message.Reachable);
        Assert.Contains($"TLS connection to Docker engine https://127.0.0.1:{proxy.Port} failed", check.Message.Message);
        Assert.Contains("not trusted", check.Message.Message);
        Assert.Contains("Deployer:TrustedCaFile", check.Message.Message);
        Assert.Contains("not trusted", outcome.Failed.Reason);
    }

    [Fact]
    public async Task Trusting_another_ca_does_not_accept_the_engines_certificate()
    {
        await using var proxy = await Haproxy.StartAsync(ServerTls);
        using var engine = Engine(proxy, "127.0.0.1", new DeployerOptions { TrustedCaFile = fx.Tls.OtherCaCert });

        var e = await Assert.ThrowsAsync<DockerEngineException>(() => engine.PingAsync());

        Assert.Equal(DockerErrorKind.TlsFailure, e.Kind);
        Assert.Contains("does not chain to a CA of Deployer:TrustedCaFile", e.Message);
    }

    [Fact]
    public async Task A_certificate_for_another_host_name_is_refused_even_from_the_trusted_ca()
    {
        await using var proxy = await Haproxy.StartAsync($"ssl crt {fx.Tls.WrongNameServerPem}");
        using var engine = Engine(proxy, "127.0.0.1", new DeployerOptions { TrustedCaFile = fx.Tls.CaCert });

        var e = await Assert.ThrowsAsync<DockerEngineException>(() => engine.PingAsync());

        Assert.Equal(DockerErrorKind.TlsFailure, e.Kind);
        Assert.Contains("not issued for this host name", e.Message);
    }

    [Fact]
    public async Task A_proxy_that_requires_a_client_certificate_accepts_the_configured_one_only()
    {
        await using var proxy = await Haproxy.StartAsync($"{ServerTls} verify required ca-file {fx.Tls.CaCert}");
        using var without = Engine(proxy, "localhost", new DeployerOptions { TrustedCaFile = fx.Tls.CaCert });
        using var with = Engine(proxy, "localhost", new DeployerOptions
        {
            TrustedCaFile = fx.Tls.CaCert,
            ClientCertificateFile = fx.Tls.ClientCert,
            ClientKeyFile = fx.Tls.ClientKey,
        });

        var refused = await Assert.ThrowsAsync<DockerEngineException>(() => without.PingAsync());
        await with.PingAsync();

        Assert.Equal(DockerErrorKind.Unreachable, refused.Kind);
        Assert.NotNull(await with.InspectImageAsync(TestImages.Sleeper("1")));
    }

    private static DaemonTarget Https(Haproxy proxy, string host, Secret? password = null) =>
        new("tls_daemon", AppApiProtocol.DockerInstall, "https", $"{host}:{proxy.Port}", "host", "cpu", password, [],
            new Dictionary<string, string>(), null);

    private static DockerEngine Engine(Haproxy proxy, string host, DeployerOptions options) =>
        new(DockerEndpoint.From(Https(proxy, host)), "1.44", TimeSpan.FromMinutes(1), DockerTls.From(options));
}
