using ExApps.Cli.Api;

namespace ExApps.Cli.Tests;

public sealed class ApiErrorTests
{
    [Fact]
    public void Status_401_means_the_token_was_rejected_whatever_the_body()
    {
        var ex = ApiException.FromResponse(401, "Unauthorized", "");

        Assert.Equal(ApiFailure.Unauthorized, ex.Failure);
        Assert.Equal("Admin token rejected (set APPAPI_TOKEN)", ex.Message);
    }

    [Fact]
    public void Problem_details_give_the_detail_as_message_and_the_error_code()
    {
        var ex = ApiException.FromResponse(409, "Conflict",
            """{"type":"about:blank","title":"Conflict","status":409,"detail":"docker_local daemon contains 2 ExApps, please remove them first to proceed.","error_code":"daemon_in_use"}""");

        Assert.Equal(ApiFailure.Problem, ex.Failure);
        Assert.Equal(ErrorCodes.DaemonInUse, ex.ErrorCode);
        Assert.Equal("docker_local daemon contains 2 ExApps, please remove them first to proceed.", ex.Describe());
    }

    [Fact]
    public void Invalid_input_lists_each_field_error_under_the_detail()
    {
        var ex = ApiException.FromResponse(400, "Bad Request",
            """{"title":"Invalid input","detail":"One or more fields are invalid.","error_code":"invalid_input","errors":{"protocol":["must be http or https"],"name":["is required"]}}""");

        Assert.Equal(
            string.Join(Environment.NewLine, "One or more fields are invalid.", "  protocol: must be http or https", "  name: is required"),
            ex.Describe());
    }

    [Fact]
    public void Problem_without_detail_falls_back_to_title()
    {
        Assert.Equal("Not Found", ApiException.FromResponse(404, "Not Found", """{"title":"Not Found","status":404}""").Message);
    }

    [Theory]
    [InlineData("")]
    [InlineData("<html>Bad gateway</html>")]
    [InlineData("[1]")]
    public void Non_problem_body_reports_the_http_status(string body)
    {
        var ex = ApiException.FromResponse(502, "Bad Gateway", body);

        Assert.Equal(ApiFailure.Unexpected, ex.Failure);
        Assert.Equal("The platform answered HTTP 502 Bad Gateway.", ex.Message);
    }

    [Fact]
    public async Task Connection_refused_names_the_platform_url_and_exits_1()
    {
        var run = await CliRunner.RunAsync("daemon:list");

        Assert.Equal(1, run.ExitCode);
        Assert.StartsWith($"Cannot reach the platform at {CliRunner.ClosedUrl}: ", run.Err);
        Assert.Equal("", run.Out);
    }

    [Fact]
    public async Task Bad_appapi_url_is_reported_by_name()
    {
        var stderr = new StringWriter();
        var code = await CliApp.RunAsync(["app:list"], new StringWriter(), stderr,
            new Dictionary<string, string> { ["APPAPI_URL"] = "127.0.0.1:8080" });

        Assert.Equal(1, code);
        Assert.Contains("APPAPI_URL must be an absolute http:// or https:// URL", stderr.ToString());
    }

    [Fact]
    public void Settings_default_to_the_local_gateway_and_the_token_file()
    {
        var file = Path.Combine(Path.GetTempPath(), $"cli-token-{Guid.NewGuid():N}");
        File.WriteAllText(file, "generated-token-0123456789\n");
        try
        {
            var settings = CliSettings.FromEnvironment(new Dictionary<string, string> { ["APPAPI_TOKEN_FILE"] = file });

            Assert.Equal(new Uri("http://127.0.0.1:8080"), settings.Url);
            Assert.Equal("generated-token-0123456789", settings.Token);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void Appapi_token_wins_over_the_token_file() =>
        Assert.Equal("explicit-token-0123456789", CliSettings.FromEnvironment(new Dictionary<string, string>
        {
            ["APPAPI_TOKEN"] = "explicit-token-0123456789", ["APPAPI_TOKEN_FILE"] = "/nonexistent/admin.token",
        }).Token);

    [Fact]
    public async Task A_missing_token_says_how_to_get_one()
    {
        var stderr = new StringWriter();
        var code = await CliApp.RunAsync(["app:list"], new StringWriter(), stderr,
            new Dictionary<string, string> { ["APPAPI_TOKEN_FILE"] = "/nonexistent/admin.token" });

        Assert.Equal(1, code);
        Assert.Contains("No admin token: APPAPI_TOKEN is not set and /nonexistent/admin.token cannot be read", stderr.ToString());
        Assert.Contains("scripts/admin-token.sh", stderr.ToString());
    }
}
