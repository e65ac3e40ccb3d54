using System.Text.Json;
using ExApps.Cli.Api;
using ExApps.Cli.Commands.App;
using ExApps.Cli.Output;

namespace ExApps.Cli.Tests;

public sealed class FormattingTests
{
    private const string Daemons = """
        [{"name":"docker_local","display_name":"Docker Local","deploy_id":"docker-install","protocol":"http",
          "host":"/var/run/docker.sock","is_default":true,"apps_count":1,
          "deploy_config":{"net":"host","nextcloud_url":"http://nc.local","haproxy_password":"",
                           "computeDevice":{"id":"cuda","label":"CUDA (NVIDIA)"}}},
         {"name":"proxy","display_name":"Socket proxy","deploy_id":"docker-install","protocol":"https",
          "host":"dsp:2375","is_default":false,"apps_count":0,
          "deploy_config":{"net":"nextcloud","nextcloud_url":"https://cloud.example","haproxy_password":"***"}}]
        """;

    [Fact]
    public void Daemon_table_has_a_row_per_daemon_with_default_marker_net_and_compute_device()
    {
        var daemons = JsonSerializer.Deserialize<List<DaemonView>>(Daemons, Json.Api)!;

        var lines = DaemonFormatter.Table(daemons).TrimEnd().Split(Environment.NewLine);

        Assert.Equal(6, lines.Length);
        Assert.Equal("+-----+--------------+--------------+----------------+----------+----------------------+-----------+----------------+-----------------------+", lines[0]);
        Assert.Equal("| Def | Name         | Display name | Deploy ID      | Protocol | Host                 | Net       | Compute device | NC Url                |", lines[1]);
        Assert.Equal("| *   | docker_local | Docker Local | docker-install | http     | /var/run/docker.sock | host      | cuda           | http://nc.local       |", lines[3]);
        Assert.Equal("|     | proxy        | Socket proxy | docker-install | https    | dsp:2375             | nextcloud |                | https://cloud.example |", lines[4]);
        Assert.Equal(lines[0], lines[5]);
    }

    [Fact]
    public void Daemon_table_reads_a_plain_string_compute_device_too()
    {
        var daemon = JsonSerializer.Deserialize<DaemonView>("""{"name":"d","deploy_config":{"compute_device":"rocm"}}""", Json.Api)!;

        Assert.Equal("rocm", daemon.ComputeDevice);
    }

    [Fact]
    public void Daemon_json_masks_a_password_the_api_left_in_clear()
    {
        var leaky = TestData.Element("""[{"name":"d","deploy_config":{"haproxy_password":"clear-text-pw","net":"host"}}]""");

        var json = DaemonFormatter.Json(leaky, pretty: false);

        Assert.Equal("""[{"name":"d","deploy_config":{"haproxy_password":"***","net":"host"}}]""", json);
    }

    [Fact]
    public void Daemon_json_keeps_an_empty_password_empty_and_pretty_form_is_indented()
    {
        var json = DaemonFormatter.Json(TestData.Element(Daemons), pretty: true);

        Assert.Contains("\"haproxy_password\": \"\"", json);
        Assert.Contains("\"haproxy_password\": \"***\"", json);
        Assert.Contains(Environment.NewLine + "  {", json);
    }

    [Fact]
    public void App_list_line_is_appapi_format()
    {
        Assert.Equal("hello (Hello): 1.0.0 [enabled]", AppFormatter.ListLine(TestData.App(100, 100, "", enabled: true)));
        Assert.Equal("hello (Hello): 1.0.0 [disabled]", AppFormatter.ListLine(TestData.App(100, 40, "init")));
    }

    [Fact]
    public void App_table_shows_daemon_port_state_and_where_the_status_stands()
    {
        var table = AppFormatter.Table([
            TestData.App(100, 100, "", enabled: true),
            TestData.App(100, 40, "init", operation: "install"),
            TestData.App(100, 0, "healthcheck", error: "Heartbeat check failed"),
        ]);
        var lines = table.Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);

        Assert.All(AppFormatter.TableHeaders, h => Assert.Contains(h, lines[1])); // lines[0] is the border
        Assert.Contains(lines, l => l.Contains("hello") && l.Contains("23000") && l.Contains("enabled"));
        Assert.Contains(lines, l => l.Contains("install: deploy 100%, init 40%") && l.Contains("disabled"));
        Assert.Contains(lines, l => l.Contains("error: Heartbeat check failed"));
    }

    [Fact]
    public void App_table_with_updates_adds_the_newer_release_of_the_apps_that_have_one()
    {
        var table = AppFormatter.Table([TestData.App(100, 100, "", enabled: true)], new Dictionary<string, string> { ["hello"] = "1.0.1" });
        var lines = table.Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);

        Assert.Contains("Update", lines[1]);
        Assert.Contains(lines, l => l.Contains("hello") && l.Split('|', StringSplitOptions.RemoveEmptyEntries)[^1].Trim() == "1.0.1");
    }

    [Theory]
    [InlineData("1.0.1", "1.0.0", true, "1.0.1 [installed 1.0.0, update available]")]
    [InlineData("1.0.1", "1.0.1", false, "1.0.1 [installed 1.0.1]")]
    [InlineData("1.0.1", null, false, "1.0.1 [not installed]")]
    [InlineData(null, null, false, "no release compatible with this platform")]
    [InlineData(null, "1.0.0", false, "no compatible release [installed 1.0.0]")]
    public void Catalog_line_says_what_would_be_installed_and_what_is(string? version, string? installed, bool update, string expected) =>
        Assert.Equal(expected, CatalogCommand.Line(new CatalogEntryView { Appid = "hello", Version = version, InstalledVersion = installed, UpdateAvailable = update }));

    [Theory]
    [InlineData(0, 0, "", "", false, "hello: deploy   0% | init   0% | waiting")]
    [InlineData(45, 0, "deploy", "", false, "hello: deploy  45% | init   0% | deploy")]
    [InlineData(100, 0, "healthcheck", "", false, "hello: deploy 100% | init   0% | healthcheck")]
    [InlineData(100, 40, "init", "", false, "hello: deploy 100% | init  40% | init")]
    [InlineData(100, 100, "", "", false, "hello: deploy 100% | init 100% | enabling")]
    [InlineData(100, 100, "", "", true, "hello: deploy 100% | init 100% | enabled")]
    [InlineData(100, 0, "healthcheck", "Heartbeat check failed", false, "hello: deploy 100% | init   0% | failed")]
    public void Progress_line_shows_deploy_init_and_stage(int deploy, int init, string action, string error, bool enabled, string expected)
    {
        Assert.Equal(expected, AppFormatter.ProgressLine(TestData.App(deploy, init, action, error, enabled)));
    }

    [Fact]
    public void Progress_off_a_terminal_prints_one_line_per_change()
    {
        var output = new StringWriter();
        var progress = new ProgressReporter(output, inPlace: false);

        progress.Report("a 1");
        progress.Report("a 1");
        progress.Report("a 22");
        progress.Complete();

        Assert.Equal($"a 1{Environment.NewLine}a 22{Environment.NewLine}", output.ToString());
    }

    [Fact]
    public void Progress_on_a_terminal_rewrites_one_line_and_pads_over_longer_text()
    {
        var output = new StringWriter();
        var progress = new ProgressReporter(output, inPlace: true);

        progress.Report("long line");
        progress.Report("short");
        progress.Complete();

        Assert.Equal($"\rlong line\rshort    {Environment.NewLine}", output.ToString());
    }

    [Fact]
    public void Disabled_progress_writes_nothing()
    {
        var output = new StringWriter();
        var progress = new ProgressReporter(output, inPlace: true, enabled: false);

        progress.Report("x");
        progress.Complete();

        Assert.Equal("", output.ToString());
    }
}
