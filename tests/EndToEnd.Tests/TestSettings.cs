namespace ExApps.EndToEnd.Tests;

/// <summary>Connection settings for the real servers the project's scripts start (env vars with local defaults).</summary>
public static class TestSettings
{
    public static string PgAdmin { get; } = Env("EXAPPS_TEST_PG", "Host=127.0.0.1;Port=5432;Username=postgres;Password=exapps;Database=postgres");
    public static string DockerSocket { get; } = Env("EXAPPS_TEST_DOCKER_SOCKET", "/var/run/docker.sock");

    private static string Env(string name, string fallback) =>
        Environment.GetEnvironmentVariable(name) is { Length: > 0 } v ? v : fallback;
}
