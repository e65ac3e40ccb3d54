using System.Diagnostics;

namespace ExApps.TestSupport;

/// <summary>The locally built images test containers run (scripts/build-infra-images.sh: Debian bookworm from
/// debootstrap, Debian's rabbitmq-server and postgresql-15), and the Testcontainers settings this machine needs.</summary>
public static class InfraImages
{
    public const string RabbitMq = "exapps/test-rabbitmq:latest";
    public const string Postgres = "exapps/test-postgres:15";

    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static bool _ready;

    /// <summary>Builds the images when their recipe changed (a second when up to date), once per test process, and
    /// sets up Testcontainers for a local engine: no Ryuk (its image cannot be pulled here; every helper removes
    /// its own container) and the engine's own API version (Testcontainers asks for a newer one than old engines
    /// speak).</summary>
    public static async Task EnsureAsync()
    {
        if (_ready) return;
        await Gate.WaitAsync();
        try
        {
            if (_ready) return;
            if (Environment.GetEnvironmentVariable("TESTCONTAINERS_RYUK_DISABLED") is not { Length: > 0 })
                Environment.SetEnvironmentVariable("TESTCONTAINERS_RYUK_DISABLED", "true");
            if (Environment.GetEnvironmentVariable("DOCKER_API_VERSION") is not { Length: > 0 })
                Environment.SetEnvironmentVariable("DOCKER_API_VERSION",
                    (await RunAsync("docker", "version", "--format", "{{.Server.APIVersion}}")).Trim());
            await RunAsync("bash", Path.Combine(RepoRoot(), "scripts", "build-infra-images.sh"));
            _ready = true;
        }
        finally
        {
            Gate.Release();
        }
    }

    private static async Task<string> RunAsync(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        if (p.ExitCode != 0)
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} failed ({p.ExitCode}): {await stderr}");
        return await stdout;
    }

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Services.sln"))) return dir.FullName;
        throw new InvalidOperationException("Services.sln not found above " + AppContext.BaseDirectory);
    }

    /// <summary>A free TCP port on this machine, so that a container keeps its address across a restart.</summary>
    public static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
