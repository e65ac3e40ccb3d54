using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Npgsql;

namespace ExApps.EndToEnd.Tests.Store;

/// <summary>A platform whose registry installs from this project's app store (services/appstore), run as a real
/// process with a database of its own (<c>appstore_&lt;name&gt;_store</c>) on port 19600 (EXAPPS_E2E_STORE_PORT).
/// The operator made two code-signing CAs with the developer tool: the store accepts app certificates of both, the
/// platform trusts only the first (its <c>Registry:AppStore:Certificates</c>), and both read the same CRL. The
/// platform downloads at most <see cref="PlatformMaxDownload"/> bytes, the store <see cref="StoreMaxDownload"/>.
/// App ids start with <c>&lt;name&gt;-</c> (<c>sp-st-</c> under EXAPPS_E2E_NAME=sp); the Docker daemon
/// <see cref="Daemon"/> is the default.</summary>
public sealed class StoreFixture : PlatformFixture, IAsyncLifetime
{
    public const long PlatformMaxDownload = 256 * 1024;
    public const long StoreMaxDownload = 1024 * 1024;
    public const string Daemon = "docker_store";
    private const string DevPassword = "developer-password-0123";

    protected override string Name => Scoped("st");
    protected override int BasePort => ScopedPort(18580, 20);

    public int StorePort { get; } = int.TryParse(Environment.GetEnvironmentVariable("EXAPPS_E2E_STORE_PORT"), out var p) ? p : 19600;
    public string StoreUrl => $"http://127.0.0.1:{StorePort}";
    public string StoreDatabase { get; } =
        $"appstore_{(Environment.GetEnvironmentVariable("EXAPPS_E2E_NAME") is { Length: > 0 } n ? n : "e2e").Replace('-', '_')}_store";

    /// <summary>Certificates, keys and archives of this run.</summary>
    public string Dir { get; } = Directory.CreateTempSubdirectory("store-e2e-").FullName;
    public string TrustedCa => Path.Combine(Dir, "ca");
    public string OtherCa => Path.Combine(Dir, "other-ca");
    public string CrlPath => Path.Combine(Dir, "crl.pem");
    public ReleaseServer Releases { get; private set; } = null!;
    public string DevToken { get; private set; } = "";
    public NpgsqlDataSource StoreDb { get; private set; } = null!;
    public NpgsqlDataSource PlatformDb { get; private set; } = null!;
    private ServiceProcess? _store;

    protected override IDictionary<string, string> RegistrySettings => new Dictionary<string, string>
    {
        ["Registry__AppStore__Url"] = StoreUrl,
        ["Registry__AppStore__CacheTtl"] = "00:00:00", // every read asks again with If-None-Match: a new release shows at once
        ["Registry__AppStore__Download__AllowHttp"] = "true",
        ["Registry__AppStore__Download__MaxDownloadSize"] = PlatformMaxDownload.ToString(),
        ["Registry__AppStore__Certificates__RootCaPath"] = Path.Combine(TrustedCa, "ca.crt"),
        ["Registry__AppStore__Certificates__CrlPath"] = CrlPath,
    };

    public new async Task InitializeAsync()
    {
        await DropStoreDatabaseAsync();
        await Check(Tool("cert", "ca", "--out-dir", TrustedCa, "--cn", "Store e2e trusted CA", "--bits", "2048"), "create the trusted CA");
        await Check(Tool("cert", "ca", "--out-dir", OtherCa, "--cn", "Store e2e other CA", "--bits", "2048"), "create the other CA");
        File.WriteAllText(Path.Combine(Dir, "store-ca.pem"),
            File.ReadAllText(Path.Combine(TrustedCa, "ca.crt")) + File.ReadAllText(Path.Combine(OtherCa, "ca.crt")));
        WriteEmptyCrl();
        Releases = await ReleaseServer.StartAsync();

        await base.InitializeAsync(); // the platform, with the registry configured for the store
        var storeEnv = StoreEnvironment();
        _store = ServiceProcess.Start("appstore", RepoPaths.ServiceDll("appstore", "ExApps.AppStore"),
            new Dictionary<string, string>(storeEnv) { ["ASPNETCORE_URLS"] = StoreUrl }, LogDirectory);
        await WaitHealthyAsync(_store, StorePort);
        var admin = RepoPaths.ServiceDll("appstore", "ExApps.AppStore");
        await Check(ProcessRunner.RunAsync("dotnet", [admin, "admin", "create-user", "--username", "dev", "--email", "dev@example.test", "--password", DevPassword], storeEnv), "create the developer's account");
        await Check(ProcessRunner.RunAsync("dotnet", [admin, "admin", "verify-email", "--username", "dev", "--email", "dev@example.test"], storeEnv), "verify the developer's e-mail");
        var token = await Tool("token", "--user", "dev", "--password", DevPassword);
        if (token.ExitCode != 0) throw new InvalidOperationException($"Could not get the developer's token: {token}");
        DevToken = token.StdOut.Trim();

        StoreDb = NpgsqlDataSource.Create(TestSettings.PgAdmin.Replace("Database=postgres", $"Database={StoreDatabase}"));
        PlatformDb = NpgsqlDataSource.Create(TestSettings.PgAdmin.Replace("Database=postgres", $"Database={Database}"));
        // 1.0.1 of the test ExApp runs the image tagged 1.0.1 (the same image, pushed under a second tag).
        await Check(ProcessRunner.RunAsync("bash", ["scripts/build-test-image.sh", "1.0.1"], timeout: TimeSpan.FromMinutes(8)), "push the 1.0.1 test image");
        await Check(Cli("daemon:register", Daemon, "Docker", "docker-install", "http", TestSettings.DockerSocket, GatewayUrl,
            "--net", "host", "--set-default"), "register the Docker daemon");
    }

    private Dictionary<string, string> StoreEnvironment() => new()
    {
        ["ConnectionStrings__Postgres"] = TestSettings.PgAdmin.Replace("Database=postgres", $"Database={StoreDatabase}"),
        ["AppStore__SecretKey"] = "store-e2e-secret-key-0123456789abcdef",
        ["AppStore__Download__AllowHttp"] = "true",
        ["AppStore__Download__MaxDownloadSize"] = StoreMaxDownload.ToString(),
        ["AppStore__Download__MaxDownloadTimeout"] = "20",
        ["AppStore__Certificates__RootCaPath"] = Path.Combine(Dir, "store-ca.pem"),
        ["AppStore__Certificates__CrlPath"] = CrlPath,
        ["DOTNET_ENVIRONMENT"] = "Production",
    };

    /// <summary>The developer tool (<c>./appstore</c>), logged in as the developer once the token exists.</summary>
    public Task<ProcessResult> Tool(params string[] args) => ProcessRunner.RunAsync("bash", ["appstore", .. args],
        new Dictionary<string, string> { ["APPSTORE_URL"] = StoreUrl, ["APPSTORE_TOKEN"] = DevToken }, TimeSpan.FromMinutes(5));

    /// <summary>An app certificate and key from <paramref name="ca"/> (<see cref="TrustedCa"/> by default), as the
    /// operator hands them to a developer; returns (certificate, key) paths.</summary>
    public async Task<(string Cert, string Key)> AppCertificateAsync(string appId, string? ca = null)
    {
        ca ??= TrustedCa;
        var dir = Path.Combine(Dir, "dev", Path.GetFileName(ca));
        await Check(Tool("cert", "create", "--app-id", appId, "--ca-cert", Path.Combine(ca, "ca.crt"),
            "--ca-key", Path.Combine(ca, "ca.key"), "--out-dir", dir, "--bits", "2048"), $"create the certificate of {appId}");
        return (Path.Combine(dir, $"{appId}.crt"), Path.Combine(dir, $"{appId}.key"));
    }

    /// <summary>Certificate, registration in the store: what a developer does once per app.</summary>
    public async Task<(string Cert, string Key)> RegisterAppAsync(string appId, string? ca = null)
    {
        var (cert, key) = await AppCertificateAsync(appId, ca);
        await Check(Tool("register", "--cert", cert, "--key", key), $"register {appId} in the store");
        return (cert, key);
    }

    /// <summary>Serves <paramref name="archive"/> on the release server and publishes it with the developer tool,
    /// signed with <paramref name="key"/>.</summary>
    public Task<ProcessResult> PublishAsync(string archive, string key, string? servedAs = null)
    {
        var url = Releases.Serve(servedAs ?? Path.GetFileName(archive), archive);
        return Tool("release", "publish", "--url", url, "--archive", archive, "--key", key);
    }

    public async Task<long> StoreReleaseCountAsync(string appId) =>
        (long)(await Scalar(StoreDb, "SELECT count(*) FROM appstore.releases WHERE app_id = @a", appId))!;

    public async Task<bool> StoreHasAppAsync(string appId) =>
        (long)(await Scalar(StoreDb, "SELECT count(*) FROM appstore.apps WHERE id = @a", appId))! > 0;

    /// <summary>What the platform holds of <paramref name="appId"/>: its record, a request queued for the lifecycle
    /// (written in the same transaction as the record), the lifecycle's row. Empty when nothing was stored.</summary>
    public async Task<List<string>> PlatformTracesAsync(string appId)
    {
        var traces = new List<string>();
        if ((long)(await Scalar(PlatformDb, "SELECT count(*) FROM registry.apps WHERE appid = @a", appId))! > 0) traces.Add("registry.apps");
        if ((long)(await Scalar(PlatformDb, "SELECT count(*) FROM registry.outbox WHERE body::text LIKE '%' || @a || '%'", appId))! > 0) traces.Add("registry.outbox");
        if ((long)(await Scalar(PlatformDb, "SELECT count(*) FROM lifecycle.apps WHERE app_id = @a", appId))! > 0) traces.Add("lifecycle.apps");
        if (await Docker.InspectContainerAsync($"nc_app_{appId}") is not null) traces.Add("container");
        return traces;
    }

    /// <summary>Stands for a store that does not check what it lists (compromised, or another implementation):
    /// points <paramref name="appId"/>'s release <paramref name="version"/> at <paramref name="archive"/>, signed with
    /// the app's own key, straight in the store's database. The real store refuses such archives when they are
    /// published; the platform must refuse them on its own.</summary>
    public async Task ListUncheckedAsync(string appId, string version, string archive, string key)
    {
        var signature = await Tool("sign", archive, "--key", key);
        if (signature.ExitCode != 0) throw new InvalidOperationException($"Could not sign {archive}: {signature}");
        var url = Releases.Serve($"unchecked-{Guid.NewGuid():N}.tar.gz", archive);
        await using var cmd = StoreDb.CreateCommand(
            "UPDATE appstore.releases SET download = @d, signature = @s, last_modified = now() WHERE app_id = @a AND version = @v");
        cmd.Parameters.AddWithValue("d", url);
        cmd.Parameters.AddWithValue("s", signature.StdOut.Trim());
        cmd.Parameters.AddWithValue("a", appId);
        cmd.Parameters.AddWithValue("v", version);
        if (await cmd.ExecuteNonQueryAsync() != 1) throw new InvalidOperationException($"{appId} {version} is not in the store");
    }

    /// <summary>The operator revokes <paramref name="certificate"/> (trusted CA): the store and the platform read the
    /// same CRL file.</summary>
    public Task<ProcessResult> RevokeAsync(string certificate) => Tool("cert", "revoke", "--ca-cert",
        Path.Combine(TrustedCa, "ca.crt"), "--ca-key", Path.Combine(TrustedCa, "ca.key"), "--crl", CrlPath, certificate);

    public string StoreLogs() => _store is null ? "" : $"===== appstore ({_store.LogPath})\n{_store.Tail(60)}";

    private void WriteEmptyCrl()
    {
        using var ca = X509Certificate2.CreateFromPemFile(Path.Combine(TrustedCa, "ca.crt"), Path.Combine(TrustedCa, "ca.key"));
        var der = new CertificateRevocationListBuilder().Build(ca, 1, DateTimeOffset.UtcNow.AddDays(30), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        File.WriteAllText(CrlPath, PemEncoding.WriteString("X509 CRL", der) + "\n");
    }

    private async Task DropStoreDatabaseAsync()
    {
        await using var conn = new NpgsqlConnection(TestSettings.PgAdmin);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{StoreDatabase}\" WITH (FORCE)", conn);
        await cmd.ExecuteNonQueryAsync();
    }

    private static async Task<object?> Scalar(NpgsqlDataSource db, string sql, string appId)
    {
        await using var cmd = db.CreateCommand(sql);
        cmd.Parameters.AddWithValue("a", appId);
        return await cmd.ExecuteScalarAsync();
    }

    public new async Task DisposeAsync()
    {
        if (_store is not null) await _store.DisposeAsync();
        await base.DisposeAsync();
        if (Releases is not null) await Releases.DisposeAsync();
        if (StoreDb is not null) await StoreDb.DisposeAsync();
        if (PlatformDb is not null) await PlatformDb.DisposeAsync();
        Directory.Delete(Dir, recursive: true);
    }
}

[CollectionDefinition(Name)]
public sealed class StoreCollection : ICollectionFixture<StoreFixture>
{
    public const string Name = "store";
}
