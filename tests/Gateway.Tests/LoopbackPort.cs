using System.Net;
using System.Net.Sockets;

namespace ExApps.Gateway.Tests;

/// <summary>A loopback port nothing listens on right now (the tests then listen on it, or keep it refusing).</summary>
internal static class LoopbackPort
{
    public static int Free()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return port;
    }
}
