using System.Text.Json;
using ExApps.Registry.AppInfo;
using ExApps.Registry.Apps;
using ExApps.Registry.Daemons;
using ExApps.Registry.Persistence;

namespace ExApps.Registry.Tests;

public sealed class DaemonAndDeployRulesTests
{
    private static RegisterDaemonRequest Valid() => new("docker_local", "Local", "docker-install", "http",
        "/var/run/docker.sock", "http://nc.local/", null, null, null, false);

    [Fact]
    public void Valid_daemon_has_no_errors() => Assert.Empty(DaemonValidator.Validate(Valid()));

    [Theory]
    [InlineData("name", "")]
    [InlineData("name", "bad\u0007name")]
    [InlineData("protocol", "ftp")]
    [InlineData("host", "http://docker:2375")]
    [InlineData("accepts_deploy_id", "kubernetes-install")]
    [InlineData("compute_device", "tpu")]
    [InlineData("nextcloud_url", "nc.local")]
    public void Invalid_daemon_field_is_named(string field, string value)
    {
        var r = field switch
        {
            "name" => Valid() with { Name = value },
            "protocol" => Valid() with { Protocol = value },
            "host" => Valid() with { Host = value },
            "accepts_deploy_id" => Valid() with { AcceptsDeployId = value },
            "compute_device" => Valid() with { ComputeDevice = value },
            _ => Valid() with { NextcloudUrl = value },
        };
        Assert.Contains(field, DaemonValidator.Validate(r).Keys);
    }

    private static DaemonRow Daemon(string deployId, string host, string net, string protocol = "http",
        Dictionary<string, string>? options = null) => new()
    {
        Name = "d", DisplayName = "d", AcceptsDeployId = deployId, Protocol = protocol, Host = host,
        DeployConfig = JsonSerializer.Serialize(new DeployConfig { Net = net, AdditionalOptions = options ?? [] }),
    };

    [Theory]
    [InlineData("docker-install", "/var/run/docker.sock", "host", "http", null, "http://localhost:23000")]
    [InlineData("docker-install", "/var/run/docker.sock", "nextcloud", "http", null, "http://app1:23000")]
    [InlineData("docker-install", "docker.example:2376", "bridge", "https", null, "https://docker.example:23000")]
    [InlineData("docker-install", "/var/run/docker.sock", "host", "http", "10.0.0.5", "http://10.0.0.5:23000")]
    [InlineData("docker-install", "/var/run/docker.sock", "host", "http", "0.0.0.0", "http://localhost:23000")]
    [InlineData("manual-install", "exapps.local:9000", "host", "http", null, "http://exapps.local:23000")]
    [InlineData("manual-install", "127.0.0.1", "host", "http", "apps.lan", "http://apps.lan:23000")]
    public void ExApp_url_follows_the_spec(string deployId, string host, string net, string protocol, string? overrideHost, string expected)
    {
        var options = overrideHost is null ? null : new Dictionary<string, string> { ["OVERRIDE_APP_HOST"] = overrideHost };
        Assert.Equal(expected, ExAppUrl.For(Daemon(deployId, host, net, protocol, options), "app1", 23000));
    }

    [Fact]
    public void Only_declared_variables_with_non_empty_final_values_are_passed()
    {
        DeclaredEnvVar[] declared = [new("A", "", "", "default-a"), new("B", "", "", null), new("C", "", "", ""), new("D", "", "", "d")];
        var options = new DeployOptionsDto(new() { ["B"] = "set-b", ["D"] = "", ["UNDECLARED"] = "x" }, []);

        var env = options.FinalEnvironment(declared);

        Assert.Equal([new("A", "default-a"), new("B", "set-b")], env);
    }

    [Theory]
    [InlineData("relative", "/t", "rw", "mounts[0].source")]
    [InlineData("/s", "t", "rw", "mounts[0].target")]
    [InlineData("/s", "/t", "rx", "mounts[0].mode")]
    public void Bad_mount_names_the_field(string source, string target, string mode, string field) =>
        Assert.Contains(field, MountValidator.Validate([new MountDto(source, target, mode)]).Keys);
}

public sealed class ExAppVersionTests
{
    [Theory]
    [InlineData("1.0.1", "1.0.0", 1)]
    [InlineData("1.10.0", "1.9.0", 1)]
    [InlineData("1.0", "1.0.0", 0)]
    [InlineData("1.0.0-beta", "1.0.0", -1)]
    [InlineData("1.0.0", "1.0.0-rc.1", 1)]
    [InlineData("0.9.9", "1.0.0", -1)]
    [InlineData("v2.0.0", "1.99.99", 1)]
    [InlineData("1.0.0+build.5", "1.0.0", 0)]
    [InlineData("1.0.0+build.5", "1.0.0+build.6", 0)]
    [InlineData("1.2a", "1.2", -1)]
    [InlineData("1.2a", "1.2b", -1)]
    [InlineData("1.2a", "1.1.9", 1)]
    [InlineData("2.0.0-beta", "2.0.0-alpha", 1)]
    [InlineData("1.0.0-rc.2", "1.0.0-rc.10", -1)]
    [InlineData("1.0.0-rc.1", "1.0.0-rc", 1)]
    [InlineData("1.0.0-alpha.1", "1.0.0-alpha.beta", -1)]
    [InlineData("1.0.0.1", "1.0.0", 1)]
    public void Versions_order_as_semantic_versions_with_lenient_forms(string a, string b, int expected)
    {
        Assert.Equal(expected, ExApps.Contracts.ExAppVersion.Compare(a, b));
        Assert.Equal(-expected, ExApps.Contracts.ExAppVersion.Compare(b, a));
    }

    [Theory]
    [InlineData("1.0.0-rc1", true)]
    [InlineData("1.2a", true)]
    [InlineData("1.0.0+build", false)]
    [InlineData("1.0.0", false)]
    public void Pre_releases_are_recognised(string version, bool pre) =>
        Assert.Equal(pre, ExApps.Contracts.ExAppVersion.IsPreRelease(version));
}
