using System.Text.Json;

namespace ExApps.EndToEnd.Tests;

/// <summary>Issue 3: app:register's bad inputs and exit codes (0, 1, 2, 3), unregister's --silent, through the
/// real <c>./appapi</c> process. Nothing is stored for a rejected app.</summary>
[Collection(CliCollection.Name)]
public sealed class CliAppTests(CliFixture platform)
{
    private const string Manual = "reg_manual";

    private async Task EnsureManualDaemonAsync() => Assert.Equal(0,
        (await platform.Cli("daemon:register", Manual, "Manual", "manual-install", "http", "127.0.0.1", platform.GatewayUrl)).ExitCode);

    private static string Json(string appId, string version = "1.0.0") =>
        JsonSerializer.Serialize(new { id = appId, name = "CLI test", version, secret = "cli-secret", port = 9 });

    private static string Xml(string body)
    {
        var path = Path.Combine(Path.GetTempPath(), $"reg-info-{Guid.NewGuid():N}.xml");
        File.WriteAllText(path, body);
        return path;
    }

    private async Task AssertNotRegistered(string appId) =>
        Assert.DoesNotContain($"{appId} (", (await platform.Cli("app:list")).StdOut);

    public static TheoryData<string, string> BadInfoXml => new()
    {
        { "<info><name>x</name><version>1.0.0</version></info>", "`id`" },
        { "<info><id>ID</id><name>x</name></info>", "`version`" },
        { "<info><id>ID</id><version>1</version><external-app><routes><route><url>^/(a</url><verb>GET</verb><access_level>USER</access_level></route></routes></external-app></info>", "not a valid regular expression" },
        { "<info><id>ID</id><version>1</version><external-app><routes><route><url>^/a</url><verb></verb><access_level>USER</access_level></route></routes></external-app></info>", "`verb`" },
        { "<info><id>ID</id><version>1</version><external-app><routes><route><url>^/a</url><verb>GET</verb><access_level>ROOT</access_level></route></routes></external-app></info>", "`access_level` \"ROOT\"" },
        { "<info><id>ID</id><version>1</version><external-app><environment-variables><variable><display-name>x</display-name></variable></environment-variables></external-app></info>", "`name` is required" },
        { "<info><id>ID</id>", "not well-formed" },
    };

    [Theory]
    [MemberData(nameof(BadInfoXml))]
    public async Task Register_with_bad_app_info_exits_1_naming_the_field_and_stores_nothing(string xml, string message)
    {
        await EnsureManualDaemonAsync();
        var appId = platform.AppPrefix + "badinfo";

        var r = await platform.Cli("app:register", appId, Manual, "--info-xml", Xml(xml.Replace("<id>ID</id>", $"<id>{appId}</id>")));

        Assert.True(r.ExitCode == 1, r.ToString());
        Assert.Contains(message, r.StdErr);
        await AssertNotRegistered(appId);
    }

    [Theory]
    [InlineData("--env", "NOVALUE", "Invalid --env value \"NOVALUE\"")]
    [InlineData("--mount", "/only-source", "Invalid --mount value")]
    [InlineData("--mount", "/a:/b:rx", "Invalid --mount mode \"rx\"")]
    [InlineData("--mount", "relative:/b", "must be an absolute host path")]
    [InlineData("--json-info", "{not json", "Invalid --json-info")]
    [InlineData("--info-xml", "/nonexistent/info.xml", "Failed to load info.xml")]
    [InlineData("--info-xml", "http://127.0.0.1:1/info.xml", "Fetching http://127.0.0.1:1/info.xml failed")]
    public async Task Register_with_a_bad_option_exits_1_with_a_clear_message(string option, string value, string message)
    {
        await EnsureManualDaemonAsync();
        var appId = platform.AppPrefix + "badopt";
        string[] info = option is "--json-info" or "--info-xml" ? [] : ["--json-info", Json(appId)];

        var r = await platform.Cli(["app:register", appId, Manual, option, value, .. info]);

        Assert.True(r.ExitCode == 1, r.ToString());
        Assert.Contains(message, r.StdErr);
        await AssertNotRegistered(appId);
    }

    [Fact]
    public async Task Register_on_an_unknown_daemon_exits_2()
    {
        var appId = platform.AppPrefix + "nodaemon";

        var r = await platform.Cli("app:register", appId, "reg_no_such_daemon", "--json-info", Json(appId));

        Assert.Equal(2, r.ExitCode);
        Assert.Contains("Daemon config reg_no_such_daemon not found.", r.StdErr);
    }

    [Fact]
    public async Task Register_of_a_registered_app_exits_3_and_silent_prints_nothing()
    {
        await EnsureManualDaemonAsync();
        var appId = platform.AppPrefix + "twice";
        var first = await platform.Cli("app:register", appId, Manual, "--json-info", Json(appId));
        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.Contains($"ExApp {appId} successfully registered.", first.StdOut);

        var again = await platform.Cli("app:register", appId, Manual, "--json-info", Json(appId));
        var silent = await platform.Cli("app:register", appId, Manual, "--json-info", Json(appId), "--silent");

        Assert.Equal(3, again.ExitCode);
        Assert.Contains($"ExApp {appId} is already registered.", again.StdErr);
        Assert.Equal(3, silent.ExitCode);
        Assert.Equal("", silent.StdOut + silent.StdErr);
        Assert.Equal(0, (await platform.Cli("app:unregister", appId)).ExitCode);
    }

    [Fact]
    public async Task Unregister_of_an_unknown_app_exits_1_or_0_silently()
    {
        var loud = await platform.Cli("app:unregister", platform.AppPrefix + "ghost");
        var silent = await platform.Cli("app:unregister", platform.AppPrefix + "ghost", "--silent");

        Assert.Equal(1, loud.ExitCode);
        Assert.Contains("not found", loud.StdErr);
        Assert.Equal(0, silent.ExitCode);
        Assert.Equal("", silent.StdOut + silent.StdErr);
    }

    [Fact]
    public async Task Update_enable_disable_and_logs_of_an_unknown_app_exit_1()
    {
        var appId = platform.AppPrefix + "ghost";
        foreach (var args in new[]
                 {
                     new[] { "app:update", appId, "--json-info", Json(appId, "2.0.0") }, ["app:enable", appId],
                     ["app:disable", appId], ["app:logs", appId],
                 })
        {
            var r = await platform.Cli(args);
            Assert.True(r.ExitCode == 1, r.ToString());
            Assert.Contains($"ExApp {appId} not found", r.StdErr);
        }
    }
}
