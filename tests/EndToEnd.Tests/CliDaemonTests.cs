using System.Text.Json;

namespace ExApps.EndToEnd.Tests;

/// <summary>Issue 3: every daemon command through the real <c>./appapi</c> process, its exit code and message.</summary>
[Collection(CliCollection.Name)]
public sealed class CliDaemonTests(CliFixture platform)
{
    private Task<ProcessResult> Register(string name, params string[] extra) => platform.Cli(
        ["daemon:register", name, "Display " + name, "docker-install", "http", TestSettings.DockerSocket, platform.GatewayUrl + "/", .. extra]);

    [Theory]
    [InlineData("ftp", "/var/run/docker.sock", "cpu", "The protocol must be `http` or `https`")]
    [InlineData("http", "http://docker:2375", "cpu", "must not start with a scheme")]
    [InlineData("http", "/var/run/docker.sock", "tpu", "Invalid compute device value \"tpu\"")]
    public async Task Register_rejects_bad_input_with_the_specs_message(string protocol, string host, string device, string message)
    {
        var r = await platform.Cli("daemon:register", "reg_bad", "Bad", "docker-install", protocol, host, platform.GatewayUrl,
            "--compute_device", device);

        Assert.True(r.ExitCode == 1, r.ToString());
        Assert.Contains(message, r.StdErr);
        Assert.DoesNotContain("reg_bad", (await platform.Cli("daemon:list")).StdOut);
    }

    [Theory]
    [InlineData("", "The daemon name must not be empty.")]
    [InlineData("bad\u0001name", "The daemon name must not contain control characters.")]
    public async Task Register_rejects_a_bad_name(string name, string message)
    {
        var r = await platform.Cli("daemon:register", name, "Bad", "docker-install", "http", "/var/run/docker.sock", platform.GatewayUrl);

        Assert.True(r.ExitCode == 1, r.ToString());
        Assert.Contains(message, r.StdErr);
    }

    [Fact]
    public async Task Registering_an_existing_name_is_a_successful_no_op()
    {
        Assert.Equal(0, (await Register("reg_twice")).ExitCode);

        var again = await Register("reg_twice", "--net", "other");

        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.Contains("Registration skipped, as the daemon config `reg_twice` already exists.", again.StdOut);
    }

    [Fact]
    public async Task The_password_never_appears_and_the_list_masks_it_in_table_and_json()
    {
        const string password = "reg-proxy-password-77";
        var r = await Register("reg_pw", "--haproxy_password", password, "--compute_device", "cuda", "--set-default");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.DoesNotContain(password, r.StdOut + r.StdErr);

        var table = await platform.Cli("daemon:list");
        var json = await platform.Cli("daemon:list", "--output=json");

        Assert.Equal(0, table.ExitCode);
        Assert.Contains("| Def | Name", table.StdOut);
        Assert.Contains(table.StdOut.Split('\n'), l => l.Contains("| *   | reg_pw") && l.Contains("cuda"));
        Assert.DoesNotContain(password, table.StdOut + json.StdOut);
        var daemon = JsonDocument.Parse(json.StdOut).RootElement.EnumerateArray().Single(d => d.GetProperty("name").GetString() == "reg_pw");
        Assert.Equal("***", daemon.GetProperty("deploy_config").GetProperty("haproxy_password").GetString());
        Assert.Equal(platform.GatewayUrl, daemon.GetProperty("deploy_config").GetProperty("nextcloud_url").GetString());
        Assert.Equal("cuda", daemon.GetProperty("deploy_config").GetProperty("computeDevice").GetProperty("id").GetString());
    }

    [Fact]
    public async Task Unregister_of_an_unknown_daemon_fails_with_exit_1()
    {
        var r = await platform.Cli("daemon:unregister", "reg_nope");

        Assert.Equal(1, r.ExitCode);
        Assert.Contains("Daemon config reg_nope not found.", r.StdErr);
    }

    [Fact]
    public async Task Unregister_is_refused_while_an_app_uses_the_daemon()
    {
        var d = await platform.Cli("daemon:register", "reg_used", "Used", "manual-install", "http", "127.0.0.1", platform.GatewayUrl);
        Assert.Equal(0, d.ExitCode);
        var appId = platform.AppPrefix + "daemonuse";
        var json = JsonSerializer.Serialize(new { id = appId, name = "x", version = "1.0.0", secret = "s", port = 9 });
        Assert.Equal(0, (await platform.Cli("app:register", appId, "reg_used", "--json-info", json)).ExitCode);

        var refused = await platform.Cli("daemon:unregister", "reg_used");
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("reg_used daemon contains 1 ExApps, please remove them first to proceed.", refused.StdErr);

        Assert.Equal(0, (await platform.Cli("app:unregister", appId)).ExitCode);
        var ok = await platform.Cli("daemon:unregister", "reg_used");
        Assert.True(ok.ExitCode == 0, ok.ToString());
    }

    [Fact]
    public async Task Registry_remaps_are_added_listed_as_a_table_and_removed()
    {
        Assert.Equal(0, (await Register("reg_remap")).ExitCode);

        var add = await platform.Cli("daemon:registry:add", "reg_remap", "--registry-from=ghcr.io", "--registry-to=local");
        Assert.True(add.ExitCode == 0, add.ToString());
        var list = await platform.Cli("daemon:registry:list", "reg_remap");
        Assert.Contains(list.StdOut.Split('\n'), l => l.Contains("| ghcr.io") && l.Contains("| local"));

        var remove = await platform.Cli("daemon:registry:remove", "reg_remap", "--registry-from=ghcr.io");
        Assert.True(remove.ExitCode == 0, remove.ToString());
        Assert.Contains("no registry mappings", (await platform.Cli("daemon:registry:list", "reg_remap")).StdOut);

        var missingOption = await platform.Cli("daemon:registry:add", "reg_remap", "--registry-from=ghcr.io");
        Assert.Equal(1, missingOption.ExitCode);
        Assert.Contains("--registry-to", missingOption.StdErr);
        var unknown = await platform.Cli("daemon:registry:list", "reg_nope");
        Assert.Equal(1, unknown.ExitCode);
        Assert.Contains("Daemon config reg_nope not found.", unknown.StdErr);
    }

    /// <summary>Needs the deployer's CheckDaemon consumer (deployer engineer, issue 4).</summary>
    [Fact]
    public async Task Check_reports_a_reachable_engine_and_why_an_unreachable_one_failed()
    {
        Assert.Equal(0, (await Register("reg_check")).ExitCode);
        var down = await platform.Cli("daemon:register", "reg_check_down", "Down", "docker-install", "http", "127.0.0.1:1", platform.GatewayUrl);
        Assert.Equal(0, down.ExitCode);

        var ok = await platform.Cli("daemon:check", "reg_check");
        var failed = await platform.Cli("daemon:check", "reg_check_down");

        Assert.True(ok.ExitCode == 0, ok + "\n" + platform.Logs());
        Assert.Contains("Daemon reg_check is reachable", ok.StdOut);
        Assert.Equal(1, failed.ExitCode);
        Assert.Contains("Daemon reg_check_down is not reachable: ", failed.StdErr);
    }
}
