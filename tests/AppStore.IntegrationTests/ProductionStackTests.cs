using System.Net;
using System.Net.Http.Headers;
using System.Net.Security;
using System.Net.Sockets;
using System.Text.Json;
using ExApps.AppStore.Cli;
using ExApps.AppStore.Tests;
using Npgsql;

namespace ExApps.AppStore.IntegrationTests;

/// <summary>The production install as an operator runs it: deploy/appstore/setup.sh builds the image, writes the
/// configuration, creates the database, starts the compose service and a TLS nginx in front (ports 1951x/195xx,
/// container appstore-test-production); the tests talk to it only through nginx over TLS, and run the admin
/// commands with docker-compose exec.</summary>
public sealed class ProductionStack : IAsyncLifetime
{
    public const string Domain = "appstore-test.local";
    public const int HttpsPort = 19543, HttpPort = 19580, AppPort = 19510;
    public const string Database = "appstore_test_compose", Project = "appstore-test-compose", Container = "appstore-test-production";
    public string Dir { get; } = Directory.CreateTempSubdirectory("appstore-prod").FullName;
    public ArchiveServer Archives { get; private set; } = null!;
    private static string Root => Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../.."));

    private string[] SetupArgs(params string[] extra) =>
    [
        Path.Combine(Root, "deploy/appstore/setup.sh"), "--dir", Dir, "--domain", Domain,
        "--https-port", $"{HttpsPort}", "--http-port", $"{HttpPort}", "--app-port", $"{AppPort}",
        "--db", Database, "--db-user", Database, "--project", Project, "--container", Container, "--tag", "test",
        "--allow-http-downloads", .. extra,
    ];

    public async Task InitializeAsync()
    {
        await Processes.RunAsync("bash", [.. SetupArgs("--down")]);
        await DropAsync();
        Archives = await ArchiveServer.StartAsync();
        var setup = await Processes.RunAsync("bash", SetupArgs(), workingDirectory: Root);
        Assert.True(setup.ExitCode == 0, $"setup.sh failed:\n{setup.All}");
    }

    public async Task DisposeAsync()
    {
        await Processes.RunAsync("bash", [.. SetupArgs("--down")]);
        await Archives.DisposeAsync();
        await DropAsync();
        Directory.Delete(Dir, recursive: true);
    }

    private static async Task DropAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await StoreHost.DropDatabaseAsync(Database);
        await using var admin = new NpgsqlConnection(StoreHost.ConnectionStringFor("postgres"));
        await admin.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP ROLE IF EXISTS {Database}", admin);
        await drop.ExecuteNonQueryAsync();
    }

    /// <summary>A client that resolves the domain to this host and trusts only the TLS CA the setup made.</summary>
    public SocketsHttpHandler Handler(bool checkName = true)
    {
        var ca = X509Certificate2.CreateFromPem(File.ReadAllText(Path.Combine(Dir, "ssl/ca.crt")));
        return new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            ConnectCallback = async (context, ct) =>
            {
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                await socket.ConnectAsync(IPAddress.Loopback, context.DnsEndPoint.Port, ct);
                return new NetworkStream(socket, ownsSocket: true);
            },
            SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, cert, _, errors) =>
                {
                    if (cert is null || (checkName && errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch))) return false;
                    using var chain = new X509Chain();
                    chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                    chain.ChainPolicy.CustomTrustStore.Add(ca);
                    chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                    return chain.Build(new X509Certificate2(cert));
                },
            },
        };
    }

    public HttpClient Https() => new(Handler()) { BaseAddress = new Uri($"https://{Domain}:{HttpsPort}/") };

    public Task<Processes.Result> ExecAsync(string? stdin, params string[] adminArgs) =>
        Processes.RunAsync("docker-compose", ["-p", Project, "-f", Path.Combine(Dir, "docker-compose.yml"), "exec", "-T", "production",
            "dotnet", "ExApps.AppStore.dll", "admin", .. adminArgs],
            new Dictionary<string, string> { ["APPSTORE_TAG"] = "test", ["APPSTORE_CONTAINER"] = Container, ["APPSTORE_PORT"] = $"{AppPort}" },
            stdin, workingDirectory: Dir);
}

public sealed class ProductionStackTests(ProductionStack stack) : IClassFixture<ProductionStack>
{
    [Fact]
    public async Task The_feed_is_served_over_tls_through_nginx_with_etag_and_static_files_by_nginx()
    {
        using var https = stack.Https();
        using var feed = await https.GetAsync("api/v1/appapi_apps.json");
        Assert.Equal(HttpStatusCode.OK, feed.StatusCode);
        Assert.StartsWith("nginx", feed.Headers.Server.ToString());
        Assert.Equal(JsonValueKind.Array, JsonDocument.Parse(await feed.Content.ReadAsStringAsync()).RootElement.ValueKind);
        Assert.NotNull(feed.Headers.ETag);

        using var again = new HttpRequestMessage(HttpMethod.Get, "api/v1/appapi_apps.json");
        again.Headers.IfNoneMatch.Add(feed.Headers.ETag!);
        Assert.Equal(HttpStatusCode.NotModified, (await https.SendAsync(again)).StatusCode);

        using var css = await https.GetAsync("static/appstore.css");
        Assert.Equal(HttpStatusCode.OK, css.StatusCode);
        Assert.Equal("text/css", css.Content.Headers.ContentType!.MediaType);

        using var http = new HttpClient(stack.Handler()) { BaseAddress = new Uri($"http://{ProductionStack.Domain}:{ProductionStack.HttpPort}/") };
        using var redirect = await http.GetAsync("api/v1/apps.json");
        Assert.Equal(HttpStatusCode.MovedPermanently, redirect.StatusCode);
        Assert.Equal($"https://{ProductionStack.Domain}:{ProductionStack.HttpsPort}/api/v1/apps.json", redirect.Headers.Location!.ToString());

        // ALLOWED_HOSTS: a host name the configuration does not list is refused by the store.
        // (The client sends that name as TLS server name too, so it skips the name check of the certificate here.)
        using var anyName = new HttpClient(stack.Handler(checkName: false)) { BaseAddress = https.BaseAddress };
        using var wrongHost = new HttpRequestMessage(HttpMethod.Get, "api/v1/apps.json") { Headers = { Host = "evil.example" } };
        Assert.Equal(HttpStatusCode.BadRequest, (await anyName.SendAsync(wrongHost)).StatusCode);
    }

    [Fact]
    public async Task Admin_commands_run_in_the_container_and_a_developer_publishes_with_the_tool_through_nginx()
    {
        var created = await stack.ExecAsync("developer-password", "create-user", "--username", "dev", "--email", "dev@example.test", "--password-stdin");
        Assert.True(created.ExitCode == 0, created.All);
        Assert.Equal(0, (await stack.ExecAsync(null, "verify-email", "--username", "dev", "--email", "dev@example.test")).ExitCode);

        File.WriteAllText(Path.Combine(stack.Dir, "media/tags.json"), """[{"name":"v33.0.2"},{"name":"v32.0.4"}]""");
        var dry = await stack.ExecAsync(null, "import-nextcloud-releases", "--file", "/srv/media/tags.json", "--print");
        Assert.True(dry.ExitCode == 0, dry.All);
        Assert.Contains("33.0.2", dry.Stdout);
        using var https = stack.Https();
        Assert.DoesNotContain("33.0.2", await https.GetStringAsync("api/v1/platforms.json"));
        Assert.Equal(0, (await stack.ExecAsync(null, "import-nextcloud-releases", "--file", "/srv/media/tags.json")).ExitCode);
        Assert.Contains("\"33.0.2\"", await https.GetStringAsync("api/v1/platforms.json"));

        // The developer tool, as a process: certificate from the store's CA, token, register, publish.
        var work = Path.Combine(stack.Dir, "developer");
        const string appId = "prod_test_app";
        var cert = await Processes.DotnetAsync("appstore.dll", ["cert", "create", "--app-id", appId, "--bits", "2048",
            "--ca-cert", Path.Combine(stack.Dir, "certificates/ca.crt"), "--ca-key", Path.Combine(stack.Dir, "ca-private/ca.key"), "--out-dir", work]);
        Assert.True(cert.ExitCode == 0, cert.All);
        var archivePath = Path.Combine(work, $"{appId}.tar.gz");
        File.WriteAllBytes(archivePath, TestArchives.App(appId).Build());
        var url = stack.Archives.Serve($"{appId}.tar.gz", File.ReadAllBytes(archivePath));

        var env = new Dictionary<string, string>
        {
            // The TLS certificate also names localhost, which the configuration's allowed hosts list too.
            ["APPSTORE_URL"] = $"https://localhost:{ProductionStack.HttpsPort}",
            ["APPSTORE_USER"] = "dev", ["APPSTORE_PASSWORD"] = "developer-password",
            ["SSL_CERT_FILE"] = Path.Combine(stack.Dir, "ssl/ca.crt"),
        };
        var token = await Processes.DotnetAsync("appstore.dll", ["token"], env);
        Assert.True(token.ExitCode == 0, token.All);
        env["APPSTORE_TOKEN"] = token.Stdout.Trim();
        var register = await Processes.DotnetAsync("appstore.dll", ["register", "--cert", Path.Combine(work, $"{appId}.crt"), "--key", Path.Combine(work, $"{appId}.key")], env);
        Assert.True(register.ExitCode == 0, register.All);
        var publish = await Processes.DotnetAsync("appstore.dll", ["release", "publish", "--url", url, "--archive", archivePath,
            "--key", Path.Combine(work, $"{appId}.key")], env);
        Assert.True(publish.ExitCode == 0, publish.All);
        Assert.Contains($"Release {appId} 1.0.0 published", publish.Stdout);

        var feed = JsonDocument.Parse(await https.GetStringAsync("api/v1/appapi_apps.json")).RootElement;
        var app = Assert.Single(feed.EnumerateArray(), a => a.GetProperty("id").GetString() == appId);
        Assert.Equal("1.0.0", app.GetProperty("releases")[0].GetProperty("version").GetString());

        // A refusal reaches the developer with the store's message.
        var again = await Processes.DotnetAsync("appstore.dll", ["release", "publish", "--url", url, "--archive", archivePath,
            "--key", Path.Combine(work, $"{appId}.key")],
            new Dictionary<string, string>(env) { ["APPSTORE_TOKEN"] = "0000000000000000000000000000000000000000" });
        Assert.Equal(1, again.ExitCode);
        Assert.Contains("refused (HTTP 401): Invalid token.", again.Stderr);
    }
}
