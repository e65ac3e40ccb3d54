using System.Net;
using System.Text;
using Docker.DotNet;
using ExApps.Contracts;
using ExApps.Deployer.Docker;

namespace ExApps.Deployer.Tests;

/// <summary>The parts of the engine client that need no engine: version choice, addresses, frames, messages.</summary>
public sealed class DockerClientLogicTests
{
    [Theory]
    [InlineData("1.41", "1.12", "1.44", "1.41")]
    [InlineData("1.47", "1.24", "1.44", "1.44")]
    [InlineData("1.52", "1.44", "1.44", "1.44")]
    public void The_api_version_is_the_lower_of_the_engines_and_ours(string server, string min, string ours,
        string expected) =>
        Assert.Equal(expected, ApiVersions.Negotiate("unix:///x.sock", server, min, ours));

    [Fact]
    public void An_engine_that_dropped_our_newest_version_is_refused_with_both_versions()
    {
        var e = Assert.Throws<DockerEngineException>(() =>
            ApiVersions.Negotiate("tcp-engine", "1.52", "1.45", "1.44"));

        Assert.Equal(DockerErrorKind.UnsupportedVersion, e.Kind);
        Assert.Contains("1.45", e.Message);
        Assert.Contains("1.44", e.Message);
    }

    [Fact]
    public void A_host_starting_with_a_slash_is_a_unix_socket()
    {
        var endpoint = DockerEndpoint.From(Daemon("http", "/var/run/docker.sock", null));

        Assert.Equal("/var/run/docker.sock", endpoint.UnixSocketPath);
        Assert.Equal("unix:///var/run/docker.sock", endpoint.Display);
    }

    [Theory]
    [InlineData("http", "10.0.0.5:2375", "http://10.0.0.5:2375/")]
    [InlineData("HTTPS", "docker.example.com:2376", "https://docker.example.com:2376/")]
    public void Any_other_host_is_protocol_and_host(string protocol, string host, string expected)
    {
        var endpoint = DockerEndpoint.From(Daemon(protocol, host, null));

        Assert.Null(endpoint.UnixSocketPath);
        Assert.Equal(expected, endpoint.BaseAddress.ToString());
    }

    [Theory]
    [InlineData("tcp", "10.0.0.5:2375")]
    [InlineData("http", "http://10.0.0.5:2375")]
    [InlineData("http", "host:2375/path")]
    public void Unusable_protocols_and_hosts_are_refused(string protocol, string host) =>
        Assert.Equal(DockerErrorKind.InvalidTarget,
            Assert.Throws<DockerEngineException>(() => DockerEndpoint.From(Daemon(protocol, host, null))).Kind);

    [Fact]
    public void Engines_differ_by_password_but_never_show_it()
    {
        var first = DockerEndpoint.From(Daemon("https", "proxy:2375", new Secret("pw-one")));
        var second = DockerEndpoint.From(Daemon("https", "proxy:2375", new Secret("pw-two")));
        var empty = DockerEndpoint.From(Daemon("https", "proxy:2375", new Secret("")));

        Assert.NotEqual(first, second);
        Assert.Equal(first, DockerEndpoint.From(Daemon("https", "proxy:2375", new Secret("pw-one"))));
        Assert.Null(empty.Password); // an empty password means no basic auth (docs/protocol.md §3)
        Assert.DoesNotContain("pw-one", first.ToString());
    }

    [Fact]
    public void Refused_credentials_say_so_without_the_password()
    {
        var endpoint = DockerEndpoint.From(Daemon("https", "proxy:2375", new Secret("hunter2")));

        var e = DockerErrors.FromResponse(endpoint, "Ping", HttpStatusCode.Unauthorized, "hunter2 <html>401</html>");

        Assert.Equal(DockerErrorKind.Unauthorized, e.Kind);
        Assert.Contains("refused", e.Message);
        Assert.Contains("HAProxy password", e.Message);
        Assert.DoesNotContain("hunter2", e.Message);
    }

    [Theory]
    [InlineData(HttpStatusCode.NotFound, DockerErrorKind.NotFound)]
    [InlineData(HttpStatusCode.Conflict, DockerErrorKind.Conflict)]
    [InlineData(HttpStatusCode.InternalServerError, DockerErrorKind.Engine)]
    public void Engine_errors_carry_the_engines_message(HttpStatusCode status, DockerErrorKind kind)
    {
        var endpoint = DockerEndpoint.From(Daemon("http", "/var/run/docker.sock", null));

        var e = DockerErrors.FromResponse(endpoint, "Image x:1 could not be pulled", status,
            """{"message":"manifest for x:1 not found: manifest unknown"}""");

        Assert.Equal(kind, e.Kind);
        Assert.StartsWith("Image x:1 could not be pulled: manifest for x:1 not found: manifest unknown", e.Message);
    }

    [Fact]
    public async Task Multiplexed_logs_lose_their_frame_headers()
    {
        var data = Frame(1, "line one\n").Concat(Frame(2, "oops on stderr\n")).Concat(Frame(1, "ünïcode\n")).ToArray();

        Assert.Equal("line one\noops on stderr\nünïcode\n", await Demultiplex(data));
    }

    [Fact]
    public async Task A_truncated_last_frame_keeps_what_arrived()
    {
        var data = Frame(1, "complete\n").Concat(Frame(1, "cut short").Take(8 + 3)).ToArray();

        Assert.Equal("complete\ncut", await Demultiplex(data));
    }

    private static Task<string> Demultiplex(byte[] data) =>
        DockerEngine.ReadInterleavedAsync(new MultiplexedStream(new MemoryStream(data), multiplexed: true), default);

    private static byte[] Frame(byte stream, string text)
    {
        var payload = Encoding.UTF8.GetBytes(text);
        var header = new byte[] { stream, 0, 0, 0, 0, 0, 0, 0 };
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(4), (uint)payload.Length);
        return [.. header, .. payload];
    }

    private static DaemonTarget Daemon(string protocol, string host, Secret? password) =>
        new("d", AppApiProtocol.DockerInstall, protocol, host, "host", "cpu", password, [],
            new Dictionary<string, string>(), null);
}
