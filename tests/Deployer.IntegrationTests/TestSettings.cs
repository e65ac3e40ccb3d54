using System.Net;
using System.Net.Sockets;

namespace ExApps.Deployer.IntegrationTests;

internal static class TestSettings
{
    public static string DockerSocket { get; } =
        Environment.GetEnvironmentVariable("EXAPPS_DOCKER_SOCKET") is { Length: > 0 } s ? s : "/var/run/docker.sock";

    public static string Registry { get; } =
        Environment.GetEnvironmentVariable("EXAPPS_REGISTRY") is { Length: > 0 } r ? r : "localhost:5000";

    /// <summary>The deployer's database for these tests (dropped and recreated by the fixture).</summary>
    public static string Postgres { get; } =
        Environment.GetEnvironmentVariable("EXAPPS_TEST_DEPLOYER_PG") is { Length: > 0 } p
            ? p
            : "Host=127.0.0.1;Port=5432;Username=postgres;Password=exapps;Database=exapps_deployer_it";

    /// <summary>The repository of the test images in <see cref="Registry"/>.</summary>
    public const string Repository = "exapps-test/sleeper";

    /// <summary>A loopback port nothing listens on now (the engine's host network is this machine's).</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>A fresh app id per test, so tests never share containers or volumes.</summary>
    public static string NewAppId() => $"dpl_{Guid.NewGuid():N}"[..16];
}
