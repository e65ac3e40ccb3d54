using ExApps.Contracts;

namespace ExApps.Deployer.Tests;

/// <summary>Deploy requests as the registry sends them, with only what a test is about changed.</summary>
internal static class Requests
{
    public static DaemonTarget Daemon(string net = "host", string computeDevice = "cpu",
        IReadOnlyDictionary<string, string>? additionalOptions = null, ResourceLimits? limits = null,
        string acceptsDeployId = AppApiProtocol.DockerInstall, IReadOnlyList<RegistryRemap>? registries = null) =>
        new("docker_local", acceptsDeployId, "http", "/var/run/docker.sock", net, computeDevice, null,
            registries ?? [], additionalOptions ?? new Dictionary<string, string>(), limits);

    public static DeployRequested Deploy(DaemonTarget? daemon = null, IReadOnlyList<AppEnvVar>? env = null,
        IReadOnlyList<AppMount>? mounts = null, string appId = "app_one") =>
        new(Guid.NewGuid(), appId, AppApiProtocol.KindInstall, "1.2.3", "App One", 23001,
            new Secret("s3cr3t-value"), $"http://localhost:23001", "https://cloud.example.com",
            new ImageRef("localhost:5000", "exapps/app-one", "1.2.3"), daemon ?? Daemon(), env ?? [], mounts ?? []);
}
