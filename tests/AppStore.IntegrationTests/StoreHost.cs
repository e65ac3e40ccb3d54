using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using ExApps.AppStore.Accounts;
using ExApps.AppStore.Cli;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Npgsql;

namespace ExApps.AppStore.IntegrationTests;

/// <summary>The real store (its own <c>AddAppStore</c>/<c>MapAppStoreEndpoints</c>) on 127.0.0.1:0 with a fresh
/// database, a CA and CRL of the test's own, small download limits and throttle rates, and the archive server.</summary>
public sealed class StoreHost : IAsyncLifetime
{
    public const string Database = "appstore_test_it";
    public const long MaxDownloadSize = 200_000;
    public const int AppUploadRate = 12;
    public const int AppRegisterRate = 3;

    private WebApplication? _app;
    public ArchiveServer Archives { get; private set; } = null!;
    public Uri BaseAddress { get; private set; } = null!;
    public X509Certificate2 Ca { get; } = DevCertificates.CreateCa("Integration test store CA", 2048);
    public X509Certificate2 OtherCa { get; } = DevCertificates.CreateCa("Unknown CA", 2048);
    public string Dir { get; } = Directory.CreateTempSubdirectory("appstore-it").FullName;
    public string CrlPath => Path.Combine(Dir, "crl.pem");
    private readonly List<X509Certificate2> _revoked = [];

    public static string ConnectionStringFor(string database) =>
        (Environment.GetEnvironmentVariable("EXAPPS_TEST_PG") is { Length: > 0 } pg ? pg
            : "Host=127.0.0.1;Port=5432;Username=postgres;Password=exapps;Database=postgres")
        .Replace("Database=postgres", $"Database={database}");

    public NpgsqlDataSource Db { get; } = NpgsqlDataSource.Create(ConnectionStringFor(Database));

    public static async Task DropDatabaseAsync(string database)
    {
        await using var admin = new NpgsqlConnection(ConnectionStringFor("postgres"));
        await admin.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {database} WITH (FORCE)", admin);
        await drop.ExecuteNonQueryAsync();
    }

    public async Task InitializeAsync()
    {
        await DropDatabaseAsync(Database);
        File.WriteAllText(Path.Combine(Dir, "ca.crt"), DevCertificates.CertificatePem(Ca));
        File.WriteAllText(CrlPath, DevCertificates.CreateCrlPem(Ca, []));
        Archives = await ArchiveServer.StartAsync();

        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Production" });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["urls"] = "http://127.0.0.1:0",
            ["ConnectionStrings:Postgres"] = ConnectionStringFor(Database),
            ["AppStore:SecretKey"] = "integration-test-secret-key-0123456789",
            ["AppStore:Certificates:RootCaPath"] = Path.Combine(Dir, "ca.crt"),
            ["AppStore:Certificates:CrlPath"] = CrlPath,
            ["AppStore:Download:AllowHttp"] = "true",
            ["AppStore:Download:MaxDownloadSize"] = MaxDownloadSize.ToString(),
            ["AppStore:Download:MaxDownloadTimeout"] = "3",
            ["AppStore:Download:MaxDownloadRedirects"] = "2",
            ["AppStore:Throttle:AppUpload"] = $"{AppUploadRate}/day",
            ["AppStore:Throttle:AppRegister"] = $"{AppRegisterRate}/day",
        });
        builder.AddAppStore();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        _app = builder.Build();
        _app.UseAppStore();
        _app.MapAppStoreEndpoints();
        await _app.StartAsync();
        BaseAddress = new Uri(_app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
    }

    public async Task DisposeAsync()
    {
        if (_app is not null) await _app.DisposeAsync();
        await Archives.DisposeAsync();
        await Db.DisposeAsync();
        Directory.Delete(Dir, recursive: true);
    }

    public HttpClient Anonymous() => new(new HttpClientHandler { AutomaticDecompression = System.Net.DecompressionMethods.None })
    { BaseAddress = BaseAddress };

    /// <summary>A new verified account, its token fetched through <c>POST /api/v1/token</c>.</summary>
    public async Task<Developer> NewDeveloperAsync(bool verified = true)
    {
        var name = $"dev{Guid.NewGuid():N}"[..16];
        var accounts = _app!.Services.GetRequiredService<AccountStore>();
        await accounts.CreateAsync(name, $"{name}@example.test", "developer-password", false, default);
        if (verified) await accounts.VerifyEmailAsync(name, $"{name}@example.test", default);
        var http = Anonymous();
        string? token = null;
        if (verified)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/token");
            request.Headers.Authorization = Basic(name, "developer-password");
            using var response = await http.SendAsync(request);
            response.EnsureSuccessStatusCode();
            token = (await response.Content.ReadFromJsonAsync<Dictionary<string, string>>())!["token"];
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Token", token);
        }
        return new Developer(this, name, token, http);
    }

    public static AuthenticationHeaderValue Basic(string user, string password) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));

    public X509Certificate2 NewAppCertificate(string appId, X509Certificate2? ca = null) =>
        DevCertificates.CreateAppCertificate(appId, ca ?? Ca, 2048);

    /// <summary>Adds the certificate to the store's CRL file (read at every check).</summary>
    public void Revoke(X509Certificate2 certificate)
    {
        lock (_revoked)
        {
            _revoked.Add(certificate);
            File.WriteAllText(CrlPath, DevCertificates.CreateCrlPem(Ca, _revoked, _revoked.Count + 1));
        }
    }

    public async Task<long> ReleaseCountAsync(string appId)
    {
        await using var cmd = Db.CreateCommand("SELECT count(*) FROM appstore.releases WHERE app_id = @a");
        cmd.Parameters.AddWithValue("a", appId);
        return (long)(await cmd.ExecuteScalarAsync())!;
    }

    public async Task<bool> AppExistsAsync(string appId)
    {
        await using var cmd = Db.CreateCommand("SELECT count(*) FROM appstore.apps WHERE id = @a");
        cmd.Parameters.AddWithValue("a", appId);
        return (long)(await cmd.ExecuteScalarAsync())! == 1;
    }

    public static string NewAppId() => $"it_{Guid.NewGuid():N}"[..14];
}

[CollectionDefinition(Name)]
public sealed class StoreCollection : ICollectionFixture<StoreHost>
{
    public const string Name = "store";
}
