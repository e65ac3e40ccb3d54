using System.Text.Json;
using ExApps.Cli.Api;
using ExApps.Cli.Commands.App;
using ExApps.Cli.Parsing;

namespace ExApps.Cli.Tests;

public sealed class AppCommandTests
{
    private const string JsonInfo = """{"id":"nc_py_api","name":"nc_py_api","version":"1.0.0","secret":"12345","port":9009}""";

    private static RegisterAppRequest BuildRegister(params string[] args) =>
        RegisterAppCommand.BuildRequest(ArgParser.Parse(new RegisterAppCommand().Definition, args));

    [Fact]
    public void Register_takes_appid_and_optional_daemon()
    {
        var withDaemon = BuildRegister("hello", "docker_local", "--json-info", JsonInfo);
        var withoutDaemon = BuildRegister("hello", "--json-info", JsonInfo);

        Assert.Equal("hello", withDaemon.Appid);
        Assert.Equal("docker_local", withDaemon.Daemon);
        Assert.Null(withoutDaemon.Daemon);
    }

    [Fact]
    public void Register_collects_repeated_env_and_mount_options()
    {
        var request = BuildRegister("hello", "--json-info", JsonInfo,
            "--env", "A=1", "--env=B=x=y", "--mount", "/srv/a:/a", "--mount=/srv/b:/b:ro");

        Assert.Equal(new Dictionary<string, string> { ["A"] = "1", ["B"] = "x=y" }, request.Env);
        Assert.Equal([new MountSpec("/srv/a", "/a", "rw"), new MountSpec("/srv/b", "/b", "ro")], request.Mounts);
    }

    [Fact]
    public void Register_request_is_sent_as_snake_case_json_without_unset_fields()
    {
        var request = BuildRegister("hello", "--json-info", JsonInfo, "--env", "A=1", "--mount", "/s:/d");

        var json = JsonSerializer.Serialize(request, Json.Api);

        Assert.Equal(
            """{"appid":"hello","json_info":{"id":"nc_py_api","name":"nc_py_api","version":"1.0.0","secret":"12345","port":9009},"env":{"A":"1"},"mounts":[{"source":"/s","target":"/d","mode":"rw"}]}""",
            json);
    }

    [Fact]
    public void Register_reads_a_local_info_xml_file_into_info_xml()
    {
        var path = Path.Combine(Path.GetTempPath(), $"info-{Guid.NewGuid():N}.xml");
        File.WriteAllText(path, "<info><id>hello</id></info>");
        try
        {
            var request = BuildRegister("hello", "--info-xml", path);

            Assert.Equal("<info><id>hello</id></info>", request.InfoXml);
            Assert.Null(request.InfoXmlUrl);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData("http://store.local/info.xml")]
    [InlineData("https://raw.example.org/app/appinfo/info.xml")]
    public void Register_sends_an_http_info_xml_as_url(string url)
    {
        var request = BuildRegister("hello", $"--info-xml={url}");

        Assert.Equal(url, request.InfoXmlUrl);
        Assert.Null(request.InfoXml);
    }

    [Fact]
    public void Register_prefers_json_info_over_info_xml_as_appapi_does()
    {
        var request = BuildRegister("hello", "--info-xml", "http://x/info.xml", "--json-info", JsonInfo);

        Assert.NotNull(request.JsonInfo);
        Assert.Null(request.InfoXmlUrl);
    }

    [Theory]
    [InlineData("not json", "Invalid --json-info: not valid JSON")]
    [InlineData("[1,2]", "Invalid --json-info: expected a JSON object, got array.")]
    [InlineData("\"text\"", "Invalid --json-info: expected a JSON object, got string.")]
    public async Task Register_refuses_json_info_that_is_not_an_object(string json, string message)
    {
        var run = await CliRunner.RunAsync("app:register", "hello", "--json-info", json);

        Assert.Equal(1, run.ExitCode);
        Assert.StartsWith(message, run.Err);
    }

    [Fact]
    public void Register_without_app_info_asks_for_the_app_store_release()
    {
        var request = BuildRegister("hello", "docker_local", "--env", "A=1");

        Assert.Equal("""{"appid":"hello","daemon":"docker_local","env":{"A":"1"}}""", JsonSerializer.Serialize(request, Json.Api));
    }

    [Fact]
    public async Task Register_with_missing_info_xml_file_names_the_path()
    {
        var run = await CliRunner.RunAsync("app:register", "hello", "--info-xml", "/no/such/info.xml");

        Assert.Equal(1, run.ExitCode);
        Assert.StartsWith("Failed to load info.xml from /no/such/info.xml", run.Err);
    }

    [Theory]
    [InlineData("--env", "NOVALUE", "Invalid --env value \"NOVALUE\": expected NAME=VALUE.")]
    [InlineData("--env", "=value", "Invalid --env value \"=value\": expected NAME=VALUE.")]
    [InlineData("--mount", "/only-source", "Invalid --mount value \"/only-source\": expected SRC:DST or SRC:DST:ro|rw.")]
    [InlineData("--mount", ":/dst", "Invalid --mount value \":/dst\": expected SRC:DST or SRC:DST:ro|rw.")]
    [InlineData("--mount", "/a:/b:rx", "Invalid --mount mode \"rx\" in \"/a:/b:rx\": expected ro or rw.")]
    public async Task Register_refuses_malformed_env_and_mount_values(string option, string value, string message)
    {
        var run = await CliRunner.RunAsync("app:register", "hello", "--json-info", JsonInfo, option, value);

        Assert.Equal(1, run.ExitCode);
        Assert.Equal(message, run.Err.Trim());
    }

    [Fact]
    public async Task Register_silent_prints_nothing_even_on_failure()
    {
        var run = await CliRunner.RunAsync("app:register", "hello", "--json-info", "[]", "--silent");

        Assert.Equal(1, run.ExitCode);
        Assert.Equal("", run.Out + run.Err);
    }

    [Fact]
    public async Task Register_refuses_test_deploy_mode_as_unsupported()
    {
        var run = await CliRunner.RunAsync("app:register", "hello", "--json-info", JsonInfo, "--test-deploy-mode");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("--test-deploy-mode", run.Err);
    }

    [Fact]
    public async Task Register_with_unreachable_platform_exits_1_naming_the_url()
    {
        var run = await CliRunner.RunAsync("app:register", "hello", "--json-info", JsonInfo);

        Assert.Equal(1, run.ExitCode);
        Assert.StartsWith($"Cannot reach the platform at {CliRunner.ClosedUrl}: ", run.Err);
    }

    [Theory]
    [InlineData(ErrorCodes.AlreadyRegistered, 3)]
    [InlineData(ErrorCodes.DaemonNotFound, 2)]
    [InlineData(ErrorCodes.DaemonUnsupported, 2)]
    [InlineData(ErrorCodes.InvalidAppInfo, 1)]
    [InlineData(ErrorCodes.InvalidInput, 1)]
    public void Register_exit_code_follows_the_error_code(string errorCode, int exitCode)
    {
        var ex = ApiException.FromResponse(409, "Conflict", $$"""{"detail":"d","error_code":"{{errorCode}}"}""");

        Assert.Equal(exitCode, RegisterAppCommand.ExitCodeFor(ex));
    }

    [Fact]
    public void Unregister_takes_appid_and_its_three_flags()
    {
        var input = ArgParser.Parse(new UnregisterAppCommand().Definition, ["hello", "--silent", "--force", "--rm-data"]);

        Assert.Equal("hello", input.Argument("appid"));
        Assert.True(input.Flag("silent"));
        Assert.True(input.Flag("force"));
        Assert.True(input.Flag("rm-data"));
    }

    [Fact]
    public async Task List_refuses_arguments()
    {
        var run = await CliRunner.RunAsync("app:list", "extra");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("No arguments expected for \"app:list\" command, got \"extra\".", run.Err);
    }
}
