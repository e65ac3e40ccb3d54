using System.Net;
using System.Net.Sockets;

namespace ExApps.Cli.Tests;

public sealed record CliRun(int ExitCode, string Out, string Err);

/// <summary>Runs the CLI in-process. APPAPI_URL points at a port nothing listens on, so no test reaches a real gateway by accident.</summary>
public static class CliRunner
{
    public static readonly string ClosedUrl = $"http://127.0.0.1:{ClosedPort()}";

    public static async Task<CliRun> RunAsync(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var env = new Dictionary<string, string> { ["APPAPI_URL"] = ClosedUrl, ["APPAPI_TOKEN"] = "cli-test-token-0123456789" };
        var code = await CliApp.RunAsync(args, stdout, stderr, env);
        return new CliRun(code, stdout.ToString(), stderr.ToString());
    }

    // A port that was just free: bound, read, released; connecting to it is refused.
    private static int ClosedPort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
