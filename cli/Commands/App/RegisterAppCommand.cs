using System.Text.Json;
using ExApps.Cli.Api;
using ExApps.Cli.Output;
using ExApps.Cli.Parsing;

namespace ExApps.Cli.Commands.App;

/// <summary><c>app:register</c>: AppAPI's <c>app_api:app:register</c> with its exit codes (docs/protocol.md §2.2).</summary>
public sealed class RegisterAppCommand : ICliCommand
{
    public const int AppInfoOrInstallFailed = 1;
    public const int DaemonProblem = 2;
    public const int AlreadyRegistered = 3;

    public CommandDefinition Definition { get; } = new(
        "app:register",
        "Install external App",
        [
            new("appid", true, "The ExApp id"),
            new("daemon-config-name", false, "Daemon to deploy on; the default daemon when omitted"),
        ],
        [
            new("info-xml", OptionKind.Value, "Path to ExApp info.xml file (url or local path); without it and --json-info the app store's newest compatible release is installed"),
            new("json-info", OptionKind.Value, "ExApp info.xml in JSON format (wins over --info-xml)"),
            new("env", OptionKind.RepeatableValue, "Deploy option ENV_NAME=ENV_VALUE, passed to the container if the app declares the variable", ValueName: "NAME=VALUE"),
            new("mount", OptionKind.RepeatableValue, "Bind mount SRC_PATH:DST_PATH or SRC_PATH:DST_PATH:ro|rw (default rw)", ValueName: "SRC:DST[:ro|rw]"),
            new("wait-finish", OptionKind.Flag, "Wait until finish, showing deploy and init progress"),
            new("silent", OptionKind.Flag, "Do not print to console"),
            new("force-scopes", OptionKind.Flag, "Force scopes approval [deprecated, ignored]"),
            new("test-deploy-mode", OptionKind.Flag, "[not supported]"),
        ],
        [
            "hello-exapp docker_local --wait-finish",
            "hello-exapp docker_local --info-xml /path/to/info.xml --env GREETING=hi --mount /srv/data:/data:ro --wait-finish",
            "nc_py_api manual_install --json-info '{\"id\":\"nc_py_api\",\"name\":\"nc_py_api\",\"version\":\"1.0.0\",\"secret\":\"12345\",\"port\":9009}'",
        ]);

    public async Task<int> ExecuteAsync(ParsedInput input, CliContext context, CancellationToken ct)
    {
        var silent = input.Flag("silent");
        var appId = input.RequiredArgument("appid");
        var daemon = input.Argument("daemon-config-name");

        int Fail(string message, int code)
        {
            if (!silent)
                context.Error(message);
            return code;
        }

        if (input.Flag("test-deploy-mode"))
            return Fail("The --test-deploy-mode option is not supported by this platform.", AppInfoOrInstallFailed);

        RegisterAppRequest request;
        try
        {
            request = BuildRequest(input);
        }
        catch (CliException ex)
        {
            return Fail(ex.Message, ex.ExitCode);
        }

        JsonElement accepted;
        try
        {
            accepted = await context.Api.RegisterAppAsync(request, ct);
        }
        catch (ApiException ex)
        {
            return Fail(MessageFor(ex, appId, daemon), ExitCodeFor(ex));
        }
        // The platform may take the id from the app info; poll the app it actually registered.
        if (accepted.ValueKind == JsonValueKind.Object && accepted.TryGetProperty("appid", out var id) && id.GetString() is { Length: > 0 } registered)
            appId = registered;

        if (!input.Flag("wait-finish"))
        {
            if (!silent)
            {
                context.Info($"ExApp {appId} successfully registered.");
                context.Info("Deploy, heartbeat and init go on in the background; --wait-finish waits for them.");
            }
            return 0;
        }

        var (code, error) = await InstallWaiter.WaitWithProgressAsync(context, appId, InstallProgress.OperationIdOf(accepted), silent, "install", ct);
        if (error is not null)
            return Fail(error, code);
        if (!silent)
            context.Info($"ExApp {appId} successfully registered.");
        return 0;
    }

    /// <summary>The request body from the command line; reads a local info.xml.</summary>
    /// <exception cref="CliException">Bad app info, --env or --mount value (exit 1).</exception>
    public static RegisterAppRequest BuildRequest(ParsedInput input)
    {
        var env = DeployOptionParser.ParseEnv(input.Values("env"));
        var mounts = DeployOptionParser.ParseMounts(input.Values("mount"));
        var request = new RegisterAppRequest(
            Appid: input.RequiredArgument("appid"),
            Daemon: input.Argument("daemon-config-name") is { Length: > 0 } d ? d : null,
            Env: env.Count > 0 ? env : null,
            Mounts: mounts.Count > 0 ? mounts : null);
        return AppInfoSource.Apply(request, input.Option("info-xml"), input.Option("json-info"));
    }

    public static int ExitCodeFor(ApiException ex) => ex.ErrorCode switch
    {
        ErrorCodes.AlreadyRegistered => AlreadyRegistered,
        ErrorCodes.DaemonNotFound or ErrorCodes.DaemonUnsupported => DaemonProblem,
        _ => AppInfoOrInstallFailed,
    };

    private static string MessageFor(ApiException ex, string appId, string? daemon) => ex.ErrorCode switch
    {
        ErrorCodes.AlreadyRegistered => $"ExApp {appId} is already registered.",
        ErrorCodes.DaemonNotFound when !string.IsNullOrEmpty(daemon) => $"Daemon config {daemon} not found.",
        _ => ex.Describe(),
    };
}
