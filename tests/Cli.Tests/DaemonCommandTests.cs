using ExApps.Cli.Commands.Daemon;
using ExApps.Cli.Parsing;

namespace ExApps.Cli.Tests;

public sealed class DaemonCommandTests
{
    private static readonly string[] Positional =
        ["docker_local", "Docker Local", "docker-install", "http", "/var/run/docker.sock", "http://nextcloud.local"];

    private static ParsedInput ParseRegister(params string[] options) =>
        ArgParser.Parse(new RegisterDaemonCommand().Definition, [.. Positional, .. options]);

    [Fact]
    public void Register_maps_all_six_arguments_and_the_options_to_the_request()
    {
        var request = RegisterDaemonCommand.BuildRequest(ParseRegister(
            "--net=nextcloud", "--haproxy_password", "pw", "--compute_device=rocm", "--set-default"));

        Assert.Equal("docker_local", request.Name);
        Assert.Equal("Docker Local", request.DisplayName);
        Assert.Equal("docker-install", request.AcceptsDeployId);
        Assert.Equal("http", request.Protocol);
        Assert.Equal("/var/run/docker.sock", request.Host);
        Assert.Equal("http://nextcloud.local", request.NextcloudUrl);
        Assert.Equal("nextcloud", request.Net);
        Assert.Equal("pw", request.HaproxyPassword);
        Assert.Equal("rocm", request.ComputeDevice);
        Assert.True(request.SetDefault);
    }

    [Fact]
    public void Register_leaves_unset_options_to_the_platform_defaults()
    {
        var request = RegisterDaemonCommand.BuildRequest(ParseRegister());

        Assert.Null(request.Net);
        Assert.Null(request.HaproxyPassword);
        Assert.Null(request.ComputeDevice);
        Assert.Null(request.SetDefault);
    }

    [Fact]
    public void Register_maps_deprecated_gpu_flag_to_cuda()
    {
        Assert.Equal("cuda", RegisterDaemonCommand.BuildRequest(ParseRegister("--gpu")).ComputeDevice);
        Assert.Equal("cpu", RegisterDaemonCommand.BuildRequest(ParseRegister("--gpu", "--compute_device=cpu")).ComputeDevice);
    }

    [Fact]
    public void Register_request_text_never_contains_the_password()
    {
        var request = RegisterDaemonCommand.BuildRequest(ParseRegister("--haproxy_password=s3cr3t-value"));

        Assert.DoesNotContain("s3cr3t-value", request.ToString());
    }

    [Fact]
    public async Task Register_refuses_a_protocol_other_than_http_or_https_with_appapi_message()
    {
        var run = await CliRunner.RunAsync("daemon:register", "d", "D", "docker-install", "ftp", "host:2375", "http://nc");

        Assert.Equal(1, run.ExitCode);
        Assert.Equal("Value error: The protocol must be `http` or `https`.", run.Err.Trim());
    }

    [Fact]
    public async Task Register_refuses_an_unknown_compute_device_naming_the_valid_ones()
    {
        var run = await CliRunner.RunAsync([.. Positional.Prepend("daemon:register"), "--compute_device=tpu"]);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("\"tpu\"", run.Err);
        Assert.Contains("cpu, cuda, rocm", run.Err);
    }

    [Theory]
    [InlineData("--harp")]
    [InlineData("--harp_shared_key=k")]
    [InlineData("--harp_frp_address=h:8782")]
    public async Task Register_refuses_harp_options_as_unsupported(string option)
    {
        var run = await CliRunner.RunAsync([.. Positional.Prepend("daemon:register"), option]);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("HaRP is not supported", run.Err);
    }

    [Fact]
    public async Task Register_never_prints_the_haproxy_password_even_in_an_error()
    {
        // The password typed where the compute device belongs ends up in the error message, scrubbed.
        var run = await CliRunner.RunAsync([.. Positional.Prepend("daemon:register"),
            "--haproxy_password=Pw-12345", "--compute_device=Pw-12345"]);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("Invalid compute device value \"***\"", run.Err);
        Assert.DoesNotContain("Pw-12345", run.Out + run.Err);
    }

    [Fact]
    public async Task Register_with_missing_arguments_names_them_and_prints_usage()
    {
        var run = await CliRunner.RunAsync("daemon:register", "d", "D", "docker-install");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("Not enough arguments (missing: \"protocol, host, nextcloud_url\").", run.Err);
        Assert.Contains("Usage: daemon:register [--net NET]", run.Err);
    }

    [Fact]
    public async Task List_refuses_an_unknown_output_format()
    {
        var run = await CliRunner.RunAsync("daemon:list", "--output=yaml");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("Invalid --output value \"yaml\"", run.Err);
    }

    [Fact]
    public void Unregister_takes_the_daemon_name_argument()
    {
        var input = ArgParser.Parse(new UnregisterDaemonCommand().Definition, ["docker_local"]);

        Assert.Equal("docker_local", input.Argument("daemon-config-name"));
    }

    [Fact]
    public async Task Unregister_without_a_name_fails_with_usage()
    {
        var run = await CliRunner.RunAsync("daemon:unregister");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("Not enough arguments (missing: \"daemon-config-name\").", run.Err);
        Assert.Contains("Usage: daemon:unregister <daemon-config-name>", run.Err);
    }
}
