using ExApps.Cli.Api;
using ExApps.Cli.Parsing;

namespace ExApps.Cli.Commands.Daemon;

/// <summary><c>daemon:register</c>: AppAPI's <c>app_api:daemon:register</c> (docs/protocol.md §1).</summary>
public sealed class RegisterDaemonCommand : ICliCommand
{
    public static readonly string[] ComputeDevices = ["cpu", "cuda", "rocm"];
    private static readonly string[] HarpOptions =
        ["harp", "harp_frp_address", "harp_shared_key", "harp_docker_socket_port", "harp_exapp_direct"];

    public CommandDefinition Definition { get; } = new(
        "daemon:register",
        "Register daemon config for ExApp deployment",
        [
            new("name", true, "Unique deploy daemon name"),
            new("display-name", true),
            new("accepts-deploy-id", true, "The deployment method that the daemon accepts: \"docker-install\" or \"manual-install\""),
            new("protocol", true, "The protocol used to connect to the daemon: \"http\" or \"https\""),
            new("host", true, "host:port of the Docker engine or socket proxy, or the path of a Docker socket (e.g. /var/run/docker.sock)"),
            new("nextcloud_url", true, "Base URL handed to ExApps as NEXTCLOUD_URL"),
        ],
        [
            new("net", OptionKind.Value, "The Docker network the ExApps of this daemon use (default \"host\")"),
            new("haproxy_password", OptionKind.Value, "Password of a Docker socket proxy (HAProxy basic auth); never shown again"),
            new("compute_device", OptionKind.Value, "Compute device for GPU support (cpu|cuda|rocm)"),
            new("set-default", OptionKind.Flag, "Set DaemonConfig as default"),
            new("auto-recover", OptionKind.Value, "When an enabled app's container dies or vanishes: none (report it, the default), restart or redeploy"),
            new("gpu", OptionKind.Flag, "[deprecated] Same as --compute_device=cuda"),
            new("harp", OptionKind.Flag, "[not supported] HaRP is not available on this platform"),
            new("harp_frp_address", OptionKind.Value, "[not supported]"),
            new("harp_shared_key", OptionKind.Value, "[not supported]"),
            new("harp_docker_socket_port", OptionKind.Value, "[not supported]"),
            new("harp_exapp_direct", OptionKind.Flag, "[not supported]"),
        ],
        [
            "local_docker \"Docker Local\" \"docker-install\" \"http\" \"/var/run/docker.sock\" \"http://nextcloud.local\" --net=nextcloud",
            "docker_install \"Docker Socket Proxy\" \"docker-install\" \"http\" \"nextcloud-appapi-dsp:2375\" \"http://nextcloud.local\" --net=nextcloud --haproxy_password=secret --set-default --compute_device=cuda",
            "manual_install \"Manual Install\" \"manual-install\" \"http\" null \"http://nextcloud.local\"",
        ]);

    public async Task<int> ExecuteAsync(ParsedInput input, CliContext context, CancellationToken ct)
    {
        // Registered before anything can fail, so no message of this run can carry the password.
        context.AddSecret(input.Option("haproxy_password"));
        var request = BuildRequest(input, context);

        var result = await context.Api.RegisterDaemonAsync(request, ct);
        context.Info(result.Skipped
            ? result.Message ?? $"Registration skipped, as the daemon config `{request.Name}` already exists."
            : "Daemon successfully registered.");
        return 0;
    }

    /// <summary>Checks what AppAPI checks before it registers, and maps occ's options onto the API's fields.</summary>
    /// <exception cref="CliException">An option value the platform cannot accept.</exception>
    public static RegisterDaemonRequest BuildRequest(ParsedInput input, CliContext? context = null)
    {
        var protocol = input.RequiredArgument("protocol");
        if (protocol is not ("http" or "https"))
            throw new CliException("Value error: The protocol must be `http` or `https`.");

        var harp = HarpOptions.FirstOrDefault(o => input.Flag(o));
        if (harp is not null)
            throw new CliException($"HaRP is not supported by this platform (--{harp}). Register a Docker engine, a Docker socket proxy or a manual-install daemon instead.");

        var device = input.Option("compute_device");
        if (input.Flag("gpu"))
        {
            context?.Error("The --gpu option is deprecated; use --compute_device=cuda.");
            device ??= "cuda";
        }
        if (device is not null && !ComputeDevices.Contains(device))
            throw new CliException($"Invalid compute device value \"{device}\": use one of {string.Join(", ", ComputeDevices)}.");

        var recover = input.Option("auto-recover");
        if (recover is not (null or "none" or "restart" or "redeploy"))
            throw new CliException($"Invalid --auto-recover value \"{recover}\": use none, restart or redeploy.");

        return new RegisterDaemonRequest(
            Name: input.RequiredArgument("name"),
            DisplayName: input.RequiredArgument("display-name"),
            AcceptsDeployId: input.RequiredArgument("accepts-deploy-id"),
            Protocol: protocol,
            Host: input.RequiredArgument("host"),
            NextcloudUrl: input.RequiredArgument("nextcloud_url"),
            Net: input.Option("net"),
            HaproxyPassword: input.Option("haproxy_password"),
            ComputeDevice: device,
            SetDefault: input.Flag("set-default") ? true : null,
            AutoRecover: recover);
    }
}
